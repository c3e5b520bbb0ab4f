// The screen's search field: the one "/" focuses (data-search-target), with its hint.
import { memo, type KeyboardEvent, type ReactElement } from 'react';
import { Icon } from './Icon.js';

export interface SearchBoxProps {
  label: string;
  placeholder: string;
  value: string;
  onChange: (text: string) => void;
  onKeyDown?: (event: KeyboardEvent<HTMLInputElement>) => void;
}

/**
 * Memoized: a screen re-rendered by an answer (not by the box) leaves the input alone, as long as
 * it passes stable handlers; React writes an input's changed props back to it.
 */
export const SearchBox = memo(function SearchBox({ label, placeholder, value, onChange, onKeyDown }: SearchBoxProps): ReactElement {
  return (
    <div className="search-box">
      <Icon name="search" size={14} />
      <input
        type="search"
        data-search-target
        aria-label={label}
        placeholder={placeholder}
        value={value}
        onChange={(event) => onChange(event.target.value)}
        onKeyDown={onKeyDown}
      />
      <kbd aria-hidden="true">/</kbd>
    </div>
  );
});
