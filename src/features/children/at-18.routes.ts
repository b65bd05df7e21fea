import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  asFormErrors,
  type Form,
  type FormErrors,
  fieldErrorsOf,
  formErrors,
  text,
} from '../../platform/http/forms';
import { recordId } from '../../platform/http/params';
import type { Services } from '../../services';
import { atEighteenDecision } from './at-18.service';
import { atEighteenRows } from './presenters';

type WithId = FastifyRequest<{ Params: { id: string } }>;

/** `/children/:id/at-18`: the responsible authority hands the record over or closes it. */
export function registerAtEighteenRoutes(web: FastifyInstance, services: Services): void {
  const page = async (
    request: WithId,
    reply: FastifyReply,
    id: string,
    values: Form = {},
    errors: Partial<FormErrors> = {},
    status = 200,
  ) => {
    const c = await services.children.get(request.ctx, id);
    const at18 = await services.atEighteen.status(request.ctx, id);
    return reply.code(status).render('children/views/at-18.njk', {
      pageTitle: 'At 18: hand over or close the record',
      backLink: `/children/${id}`,
      child: c,
      at18,
      rows: atEighteenRows(at18),
      values,
      ...errors,
    });
  };

  web.get('/children/:id/at-18', { config: { access: 'child:close' } }, (request: WithId, reply) => {
    const id = recordId(request);
    return id ? page(request, reply, id) : reply.callNotFound();
  });

  web.post('/children/:id/at-18', { config: { access: 'child:close' } }, async (request: WithId, reply) => {
    const id = recordId(request);
    if (!id) return reply.callNotFound();
    const form = (request.body ?? {}) as Form;
    const parsed = atEighteenDecision.safeParse({
      decision: text(form, 'decision'),
      handedOverTo: text(form, 'handedOverTo'),
      note: text(form, 'note'),
    });
    // The close form's note has its own id, so the error summary links to the right box.
    const closing = text(form, 'decision') === 'close';
    const field = (f: string) => (closing && f === 'note' ? 'closeNote' : f);
    if (!parsed.success) {
      const errors = fieldErrorsOf(parsed.error).map((e) => ({ ...e, field: field(e.field) }));
      return page(request, reply, id, form, formErrors(errors), 400);
    }
    try {
      await services.atEighteen.decide(request.ctx, id, parsed.data);
    } catch (error) {
      return page(request, reply, id, form, asFormErrors(error), 400);
    }
    return reply.redirect(`/children/${id}#at-18`, 303);
  });
}
