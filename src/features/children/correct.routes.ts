import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { FieldError } from '../../platform/http/errors';
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
import {
  correctableItems,
  correctionItems,
  correctionQuestions,
  currentDetail,
  detailText,
} from './presenters';
import { childCorrection, dateOfBirthParts, isCorrectable } from './schemas';
import type { ChildCorrectableField } from './tables';

type WithId = FastifyRequest<{ Params: { id: string }; Querystring: { field?: string } }>;

/** The new value as recording a child takes it: date boxes read as on the new-child form. */
function valueFromForm(
  field: ChildCorrectableField | undefined,
  form: Form,
): { value: unknown; error?: FieldError } {
  const answer = text(form, 'value');
  switch (field) {
    case 'dateOfBirth': {
      const dob = dateOfBirthParts.safeParse({
        day: text(form, 'value-day'),
        month: text(form, 'value-month'),
        year: text(form, 'value-year'),
      });
      return dob.success
        ? { value: dob.data }
        : {
            value: undefined,
            error: { field: 'value', message: dob.error.issues[0]?.message ?? 'Enter a real date' },
          };
    }
    case 'lookedAfter':
      if (answer === 'yes' || answer === 'no') return { value: answer === 'yes' };
      return {
        value: undefined,
        error: { field: 'value', message: 'Select whether the child is looked after' },
      };
    case 'sex':
    case 'ethnicity':
    case 'legalStatus':
    case 'responsibleAuthorityCode':
      return { value: answer || undefined };
    default:
      return { value: answer ?? '' };
  }
}

/** The form's values for a detail as recorded now, so the user changes what is there. */
function currentValues(field: ChildCorrectableField, now: string | null): Form {
  if (field === 'dateOfBirth') {
    const [year, month, day] = now ? now.split('-') : [];
    return { 'value-day': day, 'value-month': month, 'value-year': year };
  }
  if (field === 'lookedAfter') return { value: now === 'true' ? 'yes' : 'no' };
  return { value: now ?? '' };
}

/**
 * `/children/:id/correct`: pick the detail, then give the new value and why. The old value is kept
 * in "Changes to these details" on the child's page.
 */
export function registerChildCorrectionRoutes(web: FastifyInstance, services: Services): void {
  const page = async (
    request: WithId,
    reply: FastifyReply,
    id: string,
    field: ChildCorrectableField | undefined,
    values: Form | null = null,
    errors: Partial<FormErrors> = {},
    status = 200,
  ) => {
    const c = await services.children.get(request.ctx, id);
    const common = { backLink: `/children/${id}`, child: c, ...errors };
    if (!field) {
      return reply.code(status).render('children/views/correct.njk', {
        ...common,
        pageTitle: 'Which detail is wrong?',
        items: correctableItems(c).map((i) => ({ ...i, checked: i.value === values?.field })),
      });
    }
    const now = currentDetail(c, field);
    const shown = values ?? currentValues(field, now);
    const q = correctionQuestions[field];
    // A date's error belongs to its first box, so the error summary link lands there.
    const dated = field === 'dateOfBirth' && errors.errors?.value;
    return reply.code(status).render('children/views/correct.njk', {
      ...common,
      ...(dated
        ? {
            errors: { ...errors.errors, 'value-day': errors.errors?.value },
            errorSummary: errors.errorSummary?.map((s) =>
              s.href === '#value' ? { ...s, href: '#value-day' } : s,
            ),
          }
        : {}),
      pageTitle: q.question,
      field,
      question: q,
      recordedNow: detailText(field, now),
      items: correctionItems(field, shown.value as string | undefined),
      values: shown,
    });
  };

  web.get(
    '/children/:id/correct',
    { config: { access: 'child:correct' } },
    async (request: WithId, reply) => {
      const id = recordId(request);
      if (!id) return reply.callNotFound();
      const field = request.query?.field;
      if (field === undefined) return page(request, reply, id, undefined);
      if (!isCorrectable(field)) {
        return page(
          request,
          reply,
          id,
          undefined,
          null,
          formErrors([{ field: 'field', message: 'Select the detail to correct' }]),
          400,
        );
      }
      return page(request, reply, id, field);
    },
  );

  web.post(
    '/children/:id/correct',
    { config: { access: 'child:correct' } },
    async (request: WithId, reply) => {
      const id = recordId(request);
      if (!id) return reply.callNotFound();
      const form = (request.body ?? {}) as Form;
      const chosen = text(form, 'field');
      const field = isCorrectable(chosen) ? chosen : undefined;
      if (!field) {
        return page(
          request,
          reply,
          id,
          undefined,
          form,
          formErrors([{ field: 'field', message: 'Select the detail to correct' }]),
          400,
        );
      }
      const { value, error } = valueFromForm(field, form);
      const input = { field, value, reason: text(form, 'reason') ?? '' };
      const parsed = childCorrection.safeParse(input);
      // In the order of the form: the value, then the reason.
      const errors = [
        ...(error ? [error] : []),
        ...(parsed.success ? [] : fieldErrorsOf(parsed.error).filter((e) => !(error && e.field === 'value'))),
      ].sort((a, b) => Number(a.field === 'reason') - Number(b.field === 'reason'));
      if (errors.length > 0) return page(request, reply, id, field, form, formErrors(errors), 400);
      try {
        await services.children.correct(request.ctx, id, input);
      } catch (e) {
        return page(request, reply, id, field, form, asFormErrors(e), 400);
      }
      return reply.redirect(`/children/${id}#changes`, 303);
    },
  );
}
