// The screen's search field: the one "/" focuses (data-search-target), with its hint.
import type { KeyboardEvent, ReactElement } from 'react';
import { Icon } from './Icon.js';

export interface SearchBoxProps {
  label: string;
  placeholder: string;
  value: string;
  onChange: (text: string) => void;
  onKeyDown?: (event: KeyboardEvent<HTMLInputElement>) => void;
}

export function SearchBox({ label, placeholder, value, onChange, onKeyDown }: SearchBoxProps): ReactElement {
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
}
