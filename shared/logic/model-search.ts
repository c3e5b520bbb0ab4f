// What a registry search (`q`) reads of one model, and of one version. The console filters a small
// registry in memory and asks the BFF to search a large one (above 5,000 models,
// docs/decisions/0013-registry-read-path.md); both read this same text, so a
// search finds the same models on either side of that line.

export type SearchableModel = {
  id: string;
  name: string;
  description: string;
  type: string;
  owner: string;
  tags: readonly string[];
  activeVersion: string | null;
  candidateVersions: readonly string[];
};

/**
 * Lower-cased fields, one per line: a search word (never containing white space)
 * cannot match across two fields.
 */
export function modelSearchText(model: SearchableModel): string {
  return [
    model.id,
    model.name,
    model.description,
    model.type,
    model.owner,
    model.tags.join(' '),
    model.activeVersion ?? '',
    model.candidateVersions.join(' '),
  ]
    .join('\n')
    .toLowerCase();
}

export type SearchableVersion = {
  version: string;
  status: string;
  artifact_uri: string;
  framework: string;
  export_format: string;
  runtime: { device: string };
  created_by: string;
};

/**
 * What a search of a model's versions reads (the console's in-memory filter, and
 * the BFF's `GET /admin/models/{id}/versions?q=` in SQL: store/versions.ts), lower-cased,
 * white space made plain spaces (the console joins versions with newlines).
 */
export function versionSearchText(version: SearchableVersion): string {
  return [version.version, version.status, version.artifact_uri, version.framework, version.export_format, version.runtime.device, version.created_by]
    .join(' ')
    .toLowerCase()
    .replace(/\s/g, ' ');
}

/** The words of a search: every one must occur in a model's text, in any order. */
export function searchWordsOf(text: string): string[] {
  return text.toLowerCase().split(/\s+/).filter(Boolean);
}
