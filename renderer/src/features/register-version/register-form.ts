// The register-version form as the user types it (strings), its conversion to
// the shared VersionRegistration schema, and the import of a metadata.json.
import { VersionRegistration } from '../../../../shared/domain/model.js';
import type { RegisterVersionRequest } from '../../../../shared/api/models.js';

export type RegisterForm = {
  version: string;
  artifact_uri: string;
  checksum: string;
  device: 'cpu' | 'gpu';
  max_batch: string;
  max_len: string;
  framework: string;
  export_format: string;
  release_notes: string;
  supported_until: string;
  metadata: string;
};
export type RegisterField = keyof RegisterForm;
export type FieldErrors = Partial<Record<RegisterField, string>>;

export const emptyRegisterForm = (): RegisterForm => ({
  version: '',
  artifact_uri: '',
  checksum: '',
  device: 'cpu',
  max_batch: '',
  max_len: '',
  framework: '',
  export_format: 'onnx',
  release_notes: '',
  supported_until: '',
  metadata: '{}',
});

/** Field of the form that a schema issue path points at. */
function fieldOf(path: ReadonlyArray<PropertyKey>): RegisterField {
  const [head, sub] = path;
  if (head === 'runtime') return sub === 'max_batch' ? 'max_batch' : sub === 'max_len' ? 'max_len' : 'device';
  return (typeof head === 'string' && head in emptyRegisterForm() ? head : 'metadata') as RegisterField;
}

function optionalInteger(text: string): number | undefined {
  const trimmed = text.trim();
  // A non-number stays NaN so that the schema reports it on the right field.
  return trimmed === '' ? undefined : /^-?\d+$/.test(trimmed) ? Number(trimmed) : Number.NaN;
}

/**
 * Validates the form with the shared schema. Either the request to send (what
 * the BFF then decides on) or one message per field.
 */
export function validateRegisterForm(form: RegisterForm): { ok: true; request: RegisterVersionRequest } | { ok: false; errors: FieldErrors } {
  const errors: FieldErrors = {};
  let metadata: unknown = {};
  if (form.metadata.trim() !== '') {
    try {
      metadata = JSON.parse(form.metadata);
    } catch (error) {
      errors.metadata = `Not valid JSON: ${error instanceof Error ? error.message : String(error)}`;
    }
    if (errors.metadata === undefined && (metadata === null || typeof metadata !== 'object' || Array.isArray(metadata))) {
      errors.metadata = 'Metadata must be a JSON object ({ … }).';
    }
  }
  const maxBatch = optionalInteger(form.max_batch);
  const maxLen = optionalInteger(form.max_len);
  const candidate = {
    version: form.version.trim(),
    artifact_uri: form.artifact_uri.trim(),
    checksum: form.checksum.trim(),
    runtime: {
      device: form.device,
      ...(maxBatch === undefined ? {} : { max_batch: maxBatch }),
      ...(maxLen === undefined ? {} : { max_len: maxLen }),
    },
    framework: form.framework.trim(),
    export_format: form.export_format.trim(),
    release_notes: form.release_notes,
    ...(form.supported_until.trim() === '' ? {} : { supported_until: form.supported_until.trim() }),
    metadata: errors.metadata === undefined ? metadata : {},
  };
  const parsed = VersionRegistration.safeParse(candidate);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = fieldOf(issue.path);
      // zod's wording for an empty required string ("Too small: expected string to have >=1 characters") is for programmers.
      const empty = issue.code === 'too_small' && 'minimum' in issue && issue.minimum === 1 && issue.origin === 'string';
      errors[field] ??= empty ? 'Required.' : sentence(issue.message);
    }
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  // Send what the user typed (normalised by trim), not the parsed output: the BFF applies the schema again.
  return { ok: true, request: candidate as RegisterVersionRequest };
}

function sentence(message: string): string {
  const text = message.replace(/^Invalid input: /, '');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

// ---------------------------------------------------------------------------
// metadata.json import

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => value !== null && typeof value === 'object' && !Array.isArray(value);

function pick(sources: Json[], names: string[]): unknown {
  for (const source of sources) for (const name of names) if (Object.hasOwn(source, name) && source[name] !== null && source[name] !== '') return source[name];
  return undefined;
}

function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

function device(value: unknown): 'cpu' | 'gpu' | undefined {
  const word = typeof value === 'string' ? value.toLowerCase() : '';
  if (/gpu|cuda|rocm|nvidia|tensorrt/.test(word)) return 'gpu';
  if (/cpu/.test(word)) return 'cpu';
  return undefined;
}

export type MetadataImport =
  | { ok: true; form: RegisterForm; filled: RegisterField[]; warnings: string[] }
  | { ok: false; message: string };

const FIELD_LABEL: Record<RegisterField, string> = {
  version: 'version',
  artifact_uri: 'artifact URI',
  checksum: 'checksum',
  device: 'device',
  max_batch: 'max batch',
  max_len: 'max length',
  framework: 'framework',
  export_format: 'export format',
  release_notes: 'release notes',
  supported_until: 'supported until',
  metadata: 'metadata',
};
export const fieldLabel = (field: RegisterField) => FIELD_LABEL[field];

/**
 * Fills the form from a metadata.json in the common layout (model_name,
 * version, framework, export_format, metrics, training_config, deployment).
 * The whole file becomes the version's metadata; known fields also fill
 * their inputs. Fields the file does not name keep what the user typed.
 */
export function importMetadata(fileText: string, form: RegisterForm, modelId: string): MetadataImport {
  let data: unknown;
  try {
    data = JSON.parse(fileText);
  } catch (error) {
    return { ok: false, message: `The file is not valid JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (!isObject(data)) return { ok: false, message: 'The file must hold a JSON object such as {"model_name": …, "version": …}.' };

  const deployment = isObject(data.deployment) ? data.deployment : {};
  const runtime = isObject(deployment.runtime) ? deployment.runtime : isObject(data.runtime) ? data.runtime : {};
  const artifact = isObject(data.artifact) ? data.artifact : {};
  const top = [data];
  const deploy = [runtime, deployment, data];

  const found: Partial<RegisterForm> = {
    version: text(pick(top, ['version', 'model_version'])),
    framework: text(pick(top, ['framework', 'library'])),
    export_format: text(pick([data, deployment, artifact], ['export_format', 'format']))?.toLowerCase(),
    artifact_uri: text(pick([data, artifact, deployment], ['artifact_uri', 'uri', 'artifact_url', 'path'])),
    checksum: text(pick([data, artifact, deployment], ['checksum', 'sha256', 'artifact_sha256'])),
    device: device(pick(deploy, ['device', 'hardware', 'accelerator'])),
    max_batch: text(pick(deploy, ['max_batch', 'max_batch_size', 'batch_size'])),
    max_len: text(pick(deploy, ['max_len', 'max_length', 'max_seq_len', 'max_sequence_length', 'max_input_length'])),
    release_notes: text(pick(top, ['release_notes', 'notes', 'changelog'])),
    supported_until: text(pick([data, deployment], ['supported_until', 'end_of_support'])),
  };
  const next: RegisterForm = { ...form, metadata: JSON.stringify(data, null, 2) };
  const filled: RegisterField[] = [];
  for (const [field, value] of Object.entries(found) as Array<[RegisterField, string | undefined]>) {
    if (value === undefined || value === '') continue;
    (next as Record<RegisterField, string>)[field] = value;
    filled.push(field);
  }
  filled.push('metadata');

  const warnings: string[] = [];
  const modelName = text(data.model_name ?? data.model_id);
  if (modelName !== undefined && modelName !== modelId) {
    warnings.push(`The file describes "${modelName}", but you are registering a version of "${modelId}". Check that this is the right file.`);
  }
  return { ok: true, form: next, filled, warnings };
}
