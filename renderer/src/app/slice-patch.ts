// The one way a slice changes part of its own state: `patch({ status: 'ready' })` merges into
// the slice's object, so every slice writes its updates the same way.
import type { All } from './store.js';

/** Keys of the store whose value is a slice's state object (not an action). */
export type SliceStateKey = { [K in keyof All]: All[K] extends (...args: never[]) => unknown ? never : All[K] extends object ? K : never }[keyof All];

/** A function that merges `changes` into `All[key]`, for a slice created with zustand's `set`. */
export function slicePatch<K extends SliceStateKey>(set: (update: (state: All) => Partial<All>) => void, key: K): (changes: Partial<All[K]>) => void {
  return (changes) => set((state) => ({ [key]: { ...state[key], ...changes } }) as Partial<All>);
}
