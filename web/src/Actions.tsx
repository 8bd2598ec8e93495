// The buttons that steer a mission; each names its mission for screen readers.
import type { Mission } from './api';
import { canPause, canResume, canRunNow } from './status';

export type Action = 'pause' | 'resume' | 'run' | 'delete';
export type Act = (action: Action, mission: Mission) => void;

export function Actions({ mission, act }: { mission: Mission; act: Act }) {
  const s = mission.status;
  const button = (action: Action, label: string, enabled: boolean, cls = '') =>
    enabled && (
      <button type="button" class={`action ${cls}`} onClick={() => act(action, mission)} aria-label={`${label} ${mission.title}`}>
        {label}
      </button>
    );
  return (
    <div class="actions">
      {button('pause', 'Pause', canPause(s))}
      {button('resume', 'Resume', canResume(s))}
      {button('run', 'Run now', canRunNow(s))}
      {button('delete', 'Delete', true, 'danger')}
    </div>
  );
}
