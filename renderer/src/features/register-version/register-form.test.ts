// @vitest-environment node
// Pure logic: no DOM needed, so no jsdom to start.
import { describe, expect, it } from 'vitest';
import { emptyRegisterForm, importMetadata, validateRegisterForm, type RegisterForm } from './register-form.js';

const valid: RegisterForm = {
  ...emptyRegisterForm(),
  version: '2.4.0',
  artifact_uri: 's3://models/ltr/2.4.0/model.onnx',
  checksum: 'AB'.repeat(32),
  device: 'gpu',
  max_batch: '64',
  max_len: '',
  framework: 'pytorch',
  export_format: 'onnx',
  supported_until: '2027-06-30',
  metadata: '{"metrics": {"ndcg@10": 0.51}}',
};

describe('register-version form', () => {
  it('turns a valid form into the shared request shape (numbers parsed, empty optionals left out)', () => {
    const result = validateRegisterForm(valid);
    expect(result).toEqual({
      ok: true,
      request: {
        version: '2.4.0',
        artifact_uri: 's3://models/ltr/2.4.0/model.onnx',
        checksum: 'AB'.repeat(32),
        runtime: { device: 'gpu', max_batch: 64 },
        framework: 'pytorch',
        export_format: 'onnx',
        release_notes: '',
        supported_until: '2027-06-30',
        metadata: { metrics: { 'ndcg@10': 0.51 } },
      },
    });
  });

  it('puts each schema message on its field, in words for people', () => {
    const result = validateRegisterForm({
      ...valid,
      version: 'v2',
      artifact_uri: 'javascript:alert(1)',
      checksum: 'abc',
      max_batch: 'lots',
      framework: '',
      metadata: '[1, 2]',
    });
    if (result.ok) throw new Error('expected errors');
    expect(result.errors.version).toMatch(/semantic version/);
    expect(result.errors.artifact_uri).toMatch(/^Scheme must be one of/);
    expect(result.errors.checksum).toMatch(/64 hexadecimal/);
    expect(result.errors.max_batch).toBeDefined();
    expect(result.errors.framework).toBe('Required.');
    expect(result.errors.metadata).toMatch(/JSON object/);
  });

  it('reports metadata that is not JSON', () => {
    const result = validateRegisterForm({ ...valid, metadata: '{"a": ' });
    expect(!result.ok && result.errors.metadata).toMatch(/^Not valid JSON/);
  });

  it('fills the form from a metadata.json in the common layout and keeps the whole file as metadata', () => {
    const file = {
      model_name: 'ltr-ranker',
      version: '2.4.0',
      framework: 'lightgbm',
      export_format: 'ONNX',
      metrics: { 'ndcg@10': 0.512 },
      training_config: { num_leaves: 63 },
      deployment: { device: 'cuda:0', max_batch_size: 256, max_sequence_length: 512, artifact_uri: 's3://m/2.4.0/model.onnx', sha256: 'c'.repeat(64) },
    };
    const result = importMetadata(JSON.stringify(file), { ...emptyRegisterForm(), release_notes: 'typed by hand' }, 'ltr-ranker');
    if (!result.ok) throw new Error(result.message);
    expect(result.form).toMatchObject({
      version: '2.4.0',
      framework: 'lightgbm',
      export_format: 'onnx',
      device: 'gpu',
      max_batch: '256',
      max_len: '512',
      artifact_uri: 's3://m/2.4.0/model.onnx',
      checksum: 'c'.repeat(64),
      release_notes: 'typed by hand',
    });
    expect(JSON.parse(result.form.metadata)).toEqual(file);
    expect(result.warnings).toEqual([]);
    expect(validateRegisterForm(result.form).ok).toBe(true);
  });

  it('warns when the file names another model, and refuses what is not a JSON object', () => {
    const result = importMetadata('{"model_name": "other-model", "version": "1.0.0"}', emptyRegisterForm(), 'ltr-ranker');
    expect(result.ok && result.warnings[0]).toMatch(/other-model/);
    expect(importMetadata('[1]', emptyRegisterForm(), 'ltr-ranker')).toMatchObject({ ok: false });
    expect(importMetadata('not json', emptyRegisterForm(), 'ltr-ranker')).toMatchObject({ ok: false, message: expect.stringMatching(/not valid JSON/) });
  });
});
