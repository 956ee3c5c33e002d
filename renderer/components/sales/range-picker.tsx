/** The Sales page's date range: a preset, or two days picked. */
import { useT } from '../../i18n';
import { type CustomDays, RANGE_PRESETS, type RangePreset, type RangeProblem } from './range';
import { SALES_STRINGS } from './strings';

const PROBLEM_KEYS = {
  incomplete: 'rangeIncomplete',
  reversed: 'rangeReversed',
  'too-long': 'rangeTooLong',
} as const satisfies Record<RangeProblem, string>;

/** The presets as a group of toggle buttons; "Custom" shows the two days. */
export function RangePicker(props: {
  preset: RangePreset;
  onPreset: (p: RangePreset) => void;
  custom: CustomDays;
  onCustom: (c: CustomDays) => void;
  problem: RangeProblem | null;
}) {
  const t = useT(SALES_STRINGS);
  return (
    <div className="range-picker" data-testid="range-picker">
      <div className="segmented" role="group" aria-label={t('title')}>
        {RANGE_PRESETS.map((p) => (
          <button
            key={p}
            className={p === props.preset ? '' : 'secondary'}
            aria-pressed={p === props.preset}
            onClick={() => props.onPreset(p)}
            data-testid={`range-${p}`}
          >
            {t(p)}
          </button>
        ))}
      </div>
      {props.preset === 'custom' ? (
        <div className="range-custom">
          <label>
            {t('from')}
            <input
              type="date"
              value={props.custom.fromDay}
              onChange={(e) => props.onCustom({ ...props.custom, fromDay: e.target.value })}
              data-testid="range-from"
            />
          </label>
          <label>
            {t('to')}
            <input
              type="date"
              value={props.custom.toDay}
              onChange={(e) => props.onCustom({ ...props.custom, toDay: e.target.value })}
              data-testid="range-to"
            />
          </label>
          {props.problem ? (
            <span className="muted" role="status" data-testid="range-problem">
              {t(PROBLEM_KEYS[props.problem])}
            </span>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}
