// Who is signed in. Expiry keeps the route and the screens' data, so signing in
// again returns the user to exactly where they were.
import type { StateCreator } from 'zustand';
import { slicePatch } from '../../app/slice-patch.js';
import type { All } from '../../app/store.js';
import type { User } from '../../../../shared/domain/user.js';
import type { LocalUser, SessionState, SignInMethods } from '../../../../shared/ipc/contract.js';
import { call, type IpcError } from '../../lib/model-ops.js';

export type SessionStatus = 'starting' | 'restoring' | 'signed_out' | 'signing_in' | 'signed_in';

export type SignInInput = { username: string; password: string; staySignedIn: boolean };

export type SessionSlice = {
  session: {
    status: SessionStatus;
    user: User | null;
    /** A user whose refresh token is in the keychain; the sign-in form starts with it. */
    rememberedUser: string | null;
    remembered: boolean;
    /** Why the user is looking at the sign-in screen (expiry), shown above the form. */
    notice: string | null;
    error: IpcError | null;
    keychainWarning: string | null;
    /** Username of the last signed-in user: a different user gets fresh screens. */
    lastUsername: string | null;
    /** Local mode: a demo user the console signed in itself (re-authentication is a native confirmation, no password). */
    localAccount: boolean;
    /** Local mode's demo users, offered on the sign-in screen (empty in remote mode). */
    localUsers: LocalUser[];
    /** Signed in at the company IdP: re-authentication is a fresh sign-in there. */
    idp: boolean;
    /** What the sign-in screen offers (null until known, or when the BFF cannot say). */
    methods: SignInMethods | null;
    /** A company sign-in waits for the person to come back from the browser. */
    waitingForIdp: boolean;
  };
  /** The same person with other roles (the company IdP said so at a fresh sign-in): screens follow the new roles. */
  sessionUserChanged: (user: User) => void;
  /** Stops a company sign-in or step-up waiting on the browser (the Cancel button, Escape). */
  cancelIdp: () => Promise<void>;
  /** Company sign-in: the main process opens the system browser at the IdP. */
  signInWithIdp: (staySignedIn: boolean) => Promise<boolean>;
  loadSignInMethods: () => Promise<void>;
  /** Local mode: signs in as a demo user; the main process opens the session in-process (no password). */
  signInLocal: (username: string, staySignedIn: boolean) => Promise<boolean>;
  loadLocalUsers: () => Promise<void>;
  startSession: () => Promise<void>;
  signIn: (input: SignInInput) => Promise<boolean>;
  signOut: () => Promise<void>;
  /** The session is gone (push or a call answering session_expired): back to sign-in, route kept. */
  sessionLost: (message: string) => void;
};

export const createSessionSlice: StateCreator<All, [], [], SessionSlice> = (set, get) => {
  const patch = slicePatch(set, 'session');

  const adopt = (state: SessionState): void => {
    if (state.status === 'signed_in') {
      const previous = get().session.lastUsername;
      if (previous !== null && previous !== state.user.username) get().resetFeatureData();
      patch({
        status: 'signed_in',
        user: state.user,
        remembered: state.remembered,
        keychainWarning: state.keychain_warning ?? null,
        localAccount: state.local_account === true,
        idp: state.idp === true,
        notice: null,
        error: null,
        lastUsername: state.user.username,
        rememberedUser: state.remembered ? state.user.username : get().session.rememberedUser,
      });
      void get().loadAppInfo();
    } else {
      patch({ status: 'signed_out', user: null, localAccount: false, idp: false, rememberedUser: state.remembered_user });
    }
  };

  return {
    session: {
      status: 'starting',
      user: null,
      rememberedUser: null,
      remembered: false,
      notice: null,
      error: null,
      keychainWarning: null,
      lastUsername: null,
      localAccount: false,
      localUsers: [],
      idp: false,
      methods: null,
      waitingForIdp: false,
    },

    startSession: async () => {
      patch({ status: 'starting', error: null });
      void get().loadAppInfo();
      void get().loadLocalUsers();
      void get().loadSignInMethods();
      const current = await call((api) => api.session.state());
      if (!current.ok) {
        patch({ status: 'signed_out', error: current.error });
        return;
      }
      if (current.value.status === 'signed_in' || current.value.remembered_user === null) {
        adopt(current.value);
        return;
      }
      patch({ status: 'restoring', rememberedUser: current.value.remembered_user });
      const restored = await call((api) => api.session.restore());
      if (restored.ok) adopt(restored.value);
      // A failed restore is not an error the user caused: show the form with their name filled in.
      else patch({ status: 'signed_out', notice: 'Your saved sign-in could not be used. Sign in again.' });
    },

    signIn: async ({ username, password, staySignedIn }) => {
      patch({ status: 'signing_in', error: null });
      const result = await call((api) => api.session.signIn({ username: username.trim(), password, stay_signed_in: staySignedIn }));
      if (!result.ok) {
        patch({ status: 'signed_out', error: result.error });
        return false;
      }
      adopt(result.value);
      return result.value.status === 'signed_in';
    },

    signInLocal: async (username, staySignedIn) => {
      patch({ status: 'signing_in', error: null });
      const result = await call((api) => api.session.signInLocal({ username, stay_signed_in: staySignedIn }));
      if (!result.ok) {
        patch({ status: 'signed_out', error: result.error });
        return false;
      }
      adopt(result.value);
      return result.value.status === 'signed_in';
    },

    signInWithIdp: async (staySignedIn) => {
      patch({ status: 'signing_in', error: null, waitingForIdp: true });
      const result = await call((api) => api.session.signInIdp({ stay_signed_in: staySignedIn }));
      patch({ waitingForIdp: false });
      if (!result.ok) {
        // Cancelled by the person: back to the screen as it was, nothing to explain.
        patch({ status: 'signed_out', error: result.error.code === 'cancelled_by_user' ? null : result.error });
        return false;
      }
      adopt(result.value);
      return result.value.status === 'signed_in';
    },

    sessionUserChanged: (user) => {
      const current = get().session;
      if (current.status === 'signed_in' && current.user?.username === user.username) patch({ user });
    },

    cancelIdp: async () => {
      await call((api) => api.session.cancelIdp());
    },

    loadSignInMethods: async () => {
      const result = await call((api) => api.session.signInMethods());
      patch({ methods: result.ok ? result.value : null });
    },

    loadLocalUsers: async () => {
      const result = await call((api) => api.session.localUsers());
      if (result.ok) patch({ localUsers: result.value.users });
    },

    signOut: async () => {
      const result = await call((api) => api.session.signOut());
      get().resetFeatureData();
      patch({
        status: 'signed_out',
        user: null,
        notice: null,
        error: null,
        lastUsername: null,
        rememberedUser: result.ok && result.value.status === 'signed_out' ? result.value.remembered_user : null,
      });
    },

    sessionLost: (message) => {
      if (get().session.status !== 'signed_in') return;
      patch({
        status: 'signed_out',
        user: null,
        notice: message.trim() === '' ? 'Your session expired. Sign in again to continue where you were.' : message,
      });
    },
  };
};
