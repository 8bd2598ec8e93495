// The pieces of a mission's facts list (`<dl class="facts">`), shared by the list rows and the detail.
import type { ComponentChildren } from 'preact';
import { relative, when } from './schedule';

/** One term and its value; `valueClass` names the value for styles and tests. */
export const Field = ({ term, valueClass, children }: { term: string; valueClass?: string; children: ComponentChildren }) => (
  <div>
    <dt>{term}</dt>
    <dd class={valueClass}>{children}</dd>
  </div>
);

/** A time as the board shows it: the viewer's date and time, then how far from now ("in 3 h"). */
export const Moment = ({ at, now }: { at: string | null; now: number }) => (
  <>
    {when(at)} <span class="muted">{relative(at, now)}</span>
  </>
);
