// Delete asks first, in a modal dialog that starts on "Cancel" (Escape cancels too).
import { useEffect, useRef } from 'preact/hooks';
import type { Mission } from './api';

export function ConfirmDelete({ mission, onAnswer }: { mission: Mission; onAnswer: (yes: boolean) => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const cancel = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    dialog.current?.showModal();
    cancel.current?.focus();
  }, []);
  return (
    <dialog ref={dialog} class="confirm" aria-labelledby="confirm-title" aria-describedby="confirm-text" onCancel={(e) => (e.preventDefault(), onAnswer(false))}>
      <h2 id="confirm-title">Delete “{mission.title}”?</h2>
      <p id="confirm-text">
        The mission and its run history are removed for good.
        {mission.status === 'running' && ' It is running now: its agent will be stopped.'}
      </p>
      <div class="actions">
        <button type="button" ref={cancel} onClick={() => onAnswer(false)}>
          Cancel
        </button>
        <button type="button" class="danger" onClick={() => onAnswer(true)}>
          Delete mission
        </button>
      </div>
    </dialog>
  );
}
