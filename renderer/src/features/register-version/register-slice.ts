// Registering a version: the form, client-side validation with the shared
// schema, metadata.json import, and the BFF's answer (which decides).
import type { StateCreator } from 'zustand';
import { slicePatch } from '../../app/slice-patch.js';
import type { All } from '../../app/store.js';
import type { ModelVersion } from '../../../../shared/domain/model.js';
import { call, type IpcError } from '../../lib/model-ops.js';
import {
  emptyRegisterForm,
  fieldLabel,
  importMetadata,
  validateRegisterForm,
  type FieldErrors,
  type RegisterField,
  type RegisterForm,
} from './register-form.js';

export type RegisterSlice = {
  register: {
    modelId: string | null;
    form: RegisterForm;
    errors: FieldErrors;
    note: { tone: 'info' | 'warning' | 'error'; text: string } | null;
    status: 'idle' | 'submitting' | 'error';
    error: IpcError | null;
    created: ModelVersion | null;
  };
  startRegister: (modelId: string) => void;
  setRegisterField: <F extends RegisterField>(field: F, value: RegisterForm[F]) => void;
  importMetadataFile: (fileText: string, fileName: string) => void;
  submitRegister: () => Promise<ModelVersion | null>;
};

export const initialRegisterState = (): RegisterSlice['register'] => ({
  modelId: null,
  form: emptyRegisterForm(),
  errors: {},
  note: null,
  status: 'idle',
  error: null,
  created: null,
});

export const createRegisterSlice: StateCreator<All, [], [], RegisterSlice> = (set, get) => {
  const patch = slicePatch(set, 'register');

  return {
    register: initialRegisterState(),

    // A half-filled form survives navigating away (and a session expiry); another model starts afresh.
    startRegister: (modelId) => {
      if (get().register.modelId !== modelId) patch({ ...initialRegisterState(), modelId });
      else if (get().register.created) patch({ ...initialRegisterState(), modelId });
    },

    setRegisterField: (field, value) => {
      const { form, errors } = get().register;
      const { [field]: _cleared, ...rest } = errors;
      patch({ form: { ...form, [field]: value }, errors: rest });
    },

    importMetadataFile: (fileText, fileName) => {
      const { form, modelId } = get().register;
      const result = importMetadata(fileText, form, modelId ?? '');
      if (!result.ok) {
        patch({ note: { tone: 'error', text: `${fileName}: ${result.message}` } });
        return;
      }
      const named = result.filled.map(fieldLabel).join(', ');
      patch({
        form: result.form,
        errors: {},
        note: {
          tone: result.warnings.length > 0 ? 'warning' : 'info',
          text: [`Filled ${named} from ${fileName}. Check them before registering.`, ...result.warnings].join(' '),
        },
      });
    },

    submitRegister: async () => {
      const { form, modelId } = get().register;
      if (!modelId) return null;
      const checked = validateRegisterForm(form);
      if (!checked.ok) {
        patch({ errors: checked.errors, status: 'idle', error: null });
        return null;
      }
      patch({ errors: {}, status: 'submitting', error: null });
      const result = await call((api) => api.models.registerVersion({ model_id: modelId, version: checked.request }));
      if (!result.ok) {
        patch({ status: 'error', error: result.error });
        return null;
      }
      const created = result.value.version;
      patch({ status: 'idle', created });
      get().pushToast({ tone: 'success', title: `Registered ${modelId} ${created.version}`, detail: 'It is a candidate until a rollout promotes it.' });
      void get().loadModel(modelId, { force: true });
      void get().refreshRegistryRow(modelId);
      return created;
    },
  };
};
