import type { FastifyRequest } from 'fastify';
import { formatDateTime } from '../views/filters';
import type { Draft } from './drafts.service';

const clockTime = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/** What a posted form asks for: its own submission, a saved draft, or the draft discarded. */
export function formAction(body: unknown): 'submit' | 'draft' | 'discard-draft' {
  const action = (body as { action?: unknown } | undefined)?.action;
  return action === 'draft' || action === 'discard-draft' ? action : 'submit';
}

/** The autosave script asks for JSON and needs no page back. */
export function wantsJson(request: FastifyRequest): boolean {
  return (request.headers.accept ?? '').includes('application/json');
}

/** Where to send the browser after saving or discarding a draft of the form at `path`. */
export function afterDraft(path: string, done: 'saved' | 'discarded', anchor = ''): string {
  return `${path}?draft=${done}${anchor ? `#${anchor}` : ''}`;
}

/**
 * The template's view of a draft: the banner just after saving ("Draft saved at 14:05") and the
 * inset saying when the draft the form is filled from was saved.
 */
export function draftView(draft: Draft | null, request: FastifyRequest) {
  const done = (request.query as { draft?: string } | undefined)?.draft;
  return {
    draftSaved: draft && done === 'saved' ? `Draft saved at ${clockTime.format(draft.savedAt)}` : null,
    draftDiscarded: !draft && done === 'discarded',
    draftSavedWhen: draft ? formatDateTime(draft.savedAt) : null,
  };
}
