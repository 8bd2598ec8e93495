// Filters and sort order; the text filter waits for a pause in typing before it asks the server.
import { useEffect, useState } from 'preact/hooks';
import { STATUSES, STATUS_WORDS } from './status';
import type { Filters as FilterValues } from './use-board';

const AGENTS = ['claude', 'gemini', 'codex'];

export function Filters({ value, onChange }: { value: FilterValues; onChange: (f: FilterValues) => void }) {
  const [query, setQuery] = useState(value.query);
  useEffect(() => {
    if (query === value.query) return;
    const timer = setTimeout(() => onChange({ ...value, query }), 300);
    return () => clearTimeout(timer);
  }, [query]);
  return (
    <form class="filters" role="search" aria-label="Filter missions" onSubmit={(e) => (e.preventDefault(), onChange({ ...value, query }))}>
      <label>
        Status
        <select value={value.status} onChange={(e) => onChange({ ...value, status: e.currentTarget.value })}>
          <option value="">All</option>
          <option value="active">Active (pending or running)</option>
          {STATUSES.map((s) => (
            <option key={s} value={s}>
              {STATUS_WORDS[s].split(':')[0]}
            </option>
          ))}
        </select>
      </label>
      <label>
        Agent
        <select value={value.agentType} onChange={(e) => onChange({ ...value, agentType: e.currentTarget.value })}>
          <option value="">All</option>
          {AGENTS.map((a) => (
            <option key={a} value={a}>
              {a}
            </option>
          ))}
        </select>
      </label>
      <label class="grow">
        Text
        <input type="search" value={query} placeholder="Title or goal" onInput={(e) => setQuery(e.currentTarget.value)} />
      </label>
      <label>
        Sort
        <select value={value.sort} onChange={(e) => onChange({ ...value, sort: e.currentTarget.value as FilterValues['sort'] })}>
          <option value="createdAt">Newest</option>
          <option value="updatedAt">Recently changed</option>
          <option value="nextRun">Next run</option>
          <option value="title">Title</option>
        </select>
      </label>
    </form>
  );
}
