/** The privacy-mask editor: polygons drawn by clicking over a camera's anonymized live picture. */
import { type MouseEvent, useState } from 'react';
import type { CameraView } from '../../../main/contract/video';

type Mask = CameraView['masks'][number];
type Pt = Mask['points'][number];

/** Labels the mask editor shows (the page passes them in its language). */
export interface MaskEditorText {
  hint: string;
  close: string;
  undo: string;
  clear: string;
  save: string;
  cancel: string;
}

/**
 * Draws privacy masks (polygons, normalized 0..1) over a camera's anonymized live picture: click to
 * add points, "close" finishes a polygon, "save" stores them all. The masks are burned into every
 * frame by the node, before anything is recorded, shown or streamed.
 */
export function MaskEditor(props: {
  jpegSrc: string | null;
  initial: Mask[];
  text: MaskEditorText;
  onSave: (masks: Mask[]) => void;
  onCancel: () => void;
}) {
  const [masks, setMasks] = useState<Mask[]>(props.initial);
  const [open, setOpen] = useState<Pt[]>([]);
  const t = props.text;

  return (
    <div className="mask-editor" data-testid="mask-editor">
      <p className="muted">{t.hint}</p>
      <MaskCanvas
        jpegSrc={props.jpegSrc}
        masks={masks}
        open={open}
        onAdd={(p) => setOpen((o) => [...o, p])}
      />
      <div className="page-actions" style={{ marginTop: 8 }}>
        <button
          disabled={open.length < 3}
          onClick={() => (setMasks((m) => [...m, { points: open }]), setOpen([]))}
        >
          {t.close}
        </button>
        <button
          disabled={open.length === 0 && masks.length === 0}
          onClick={() => (open.length > 0 ? setOpen((p) => p.slice(0, -1)) : setMasks((m) => m.slice(0, -1)))}
        >
          {t.undo}
        </button>
        <button onClick={() => (setMasks([]), setOpen([]))}>{t.clear}</button>
        <button className="primary" onClick={() => props.onSave(masks)} data-testid="mask-save">
          {t.save}
        </button>
        <button onClick={props.onCancel}>{t.cancel}</button>
      </div>
    </div>
  );
}

/** The picture with the saved masks (filled), the open outline (dashed) and its points; a click adds a point. */
function MaskCanvas(props: { jpegSrc: string | null; masks: Mask[]; open: Pt[]; onAdd: (p: Pt) => void }) {
  const { masks, open } = props;
  const add = (e: MouseEvent<SVGSVGElement>): void => {
    const r = e.currentTarget.getBoundingClientRect();
    const x = Math.min(1, Math.max(0, (e.clientX - r.left) / r.width));
    const y = Math.min(1, Math.max(0, (e.clientY - r.top) / r.height));
    props.onAdd({ x, y });
  };
  const pts = (p: Pt[]): string => p.map((q) => `${q.x * 1000},${q.y * 1000}`).join(' ');
  return (
    <div style={{ position: 'relative', width: '100%', aspectRatio: '16 / 9', background: '#111' }}>
      {props.jpegSrc ? (
        <img
          src={props.jpegSrc}
          alt=""
          style={{ position: 'absolute', inset: 0, width: '100%', height: '100%', objectFit: 'fill' }}
        />
      ) : null}
      <svg
        viewBox="0 0 1000 1000"
        preserveAspectRatio="none"
        onClick={add}
        style={{ position: 'absolute', inset: 0, width: '100%', height: '100%', cursor: 'crosshair' }}
        data-testid="mask-canvas"
      >
        {masks.map((m, i) => (
          <polygon key={i} points={pts(m.points)} fill="rgba(0,0,0,0.75)" stroke="#ffb199" strokeWidth={3} />
        ))}
        {open.length > 0 ? (
          <polyline
            points={pts(open)}
            fill="rgba(255,177,153,0.25)"
            stroke="#ffb199"
            strokeWidth={3}
            strokeDasharray="8 6"
          />
        ) : null}
        {open.map((p, i) => (
          <circle key={i} cx={p.x * 1000} cy={p.y * 1000} r={8} fill="#ffb199" />
        ))}
      </svg>
    </div>
  );
}
