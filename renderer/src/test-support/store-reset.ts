// Gives each renderer test a fresh store and a clean location hash.
import { useStore } from '../app/store.js';

export function resetStore(): void {
  window.history.replaceState(null, '', '#/models');
  useStore.setState(useStore.getInitialState(), true);
}
