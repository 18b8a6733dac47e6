/**
 * One row of the Train form's grid: the label (tied to its input), the input with its unit, the
 * preset's value with a mark when the user changed it and a reset button, and a one-line help
 * (the input's description).
 */
import type { ReactNode } from 'react';
import { FIELD_TEXT } from './formFields';
import type { FormState } from './formState';

export interface FormRowProps {
  field: keyof FormState;
  /** The input, given `id` and `aria-describedby` by the caller through `inputProps`. */
  children: (inputProps: { id: string; 'aria-describedby': string }) => ReactNode;
  /** The preset's value in words; absent for fields a preset does not set. */
  presetValue?: string;
  changed?: boolean;
  onReset?: () => void;
}

export function FormRow({ field, children, presetValue, changed = false, onReset }: FormRowProps) {
  const t = FIELD_TEXT[field];
  const id = `train-field-${field}`;
  const helpId = `${id}-help`;
  return (
    <div className="field-row" data-changed={changed} data-testid={`train.row.${field}`}>
      <label htmlFor={id} className="field-label">
        {t.label}
      </label>
      <span className="field-input">
        {children({ id, 'aria-describedby': helpId })}
        {t.unit && <span className="field-unit">{t.unit}</span>}
      </span>
      <span className="field-preset">
        {presetValue !== undefined &&
          (changed ? (
            <>
              <span className="field-changed" data-testid={`train.changed.${field}`}>
                changed
              </span>{' '}
              <span className="muted">preset {presetValue}</span>{' '}
              <button
                type="button"
                className="link"
                onClick={onReset}
                data-testid={`train.reset.${field}`}
                aria-label={`Reset ${t.label} to the preset's ${presetValue}`}
              >
                reset
              </button>
            </>
          ) : (
            <span className="muted">preset</span>
          ))}
      </span>
      <p className="field-help" id={helpId}>
        {t.help}
      </p>
    </div>
  );
}
