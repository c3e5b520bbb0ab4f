// jsdom has no layout: every clientHeight is 0, so a virtualized table would
// show no rows. Tests give scroll containers of VirtualTable a viewport size.
const SIZE = { clientHeight: 600, clientWidth: 1000 };

export function installTableLayout(): void {
  for (const [property, value] of Object.entries(SIZE)) {
    Object.defineProperty(HTMLElement.prototype, property, {
      configurable: true,
      get(this: HTMLElement) {
        return this.classList.contains('vtable') ? value : 0;
      },
    });
  }
}
