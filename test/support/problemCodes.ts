import { isProblemCode, PROBLEM_TYPE_BASE, statusOf, type ProblemCode } from '../../src/problems/codes';

/**
 * What is wrong with a problem+json answer by the code table (src/problems/codes.ts): its `type` must be
 * `https://specialfunktion.dk/problems/<code>` for a listed code whose status is the answer's, and every
 * invalid parameter must carry a kebab-case `code` and a `pointer`. [] when all is well.
 */
export function problemCodeViolations(status: number, body: unknown): string[] {
  if (typeof body !== 'object' || body === null) return ['problem body is not an object'];
  const { type, errors } = body as { type?: unknown; errors?: unknown };
  const violations: string[] = [];
  const code = typeof type === 'string' && type.startsWith(PROBLEM_TYPE_BASE) ? type.slice(PROBLEM_TYPE_BASE.length) : undefined;
  if (!isProblemCode(code)) violations.push(`problem type ${JSON.stringify(type)} is not one of the codes in src/problems/codes.ts`);
  else if (statusOf(code) !== status) violations.push(`problem code ${code} has status ${statusOf(code)} in the code table, answered ${status}`);
  if (Array.isArray(errors)) {
    errors.forEach((item: { code?: unknown; pointer?: unknown }, i) => {
      if (typeof item?.code !== 'string' || !/^[a-z0-9]+(-[a-z0-9]+)*$/.test(item.code)) violations.push(`errors/${i} has no kebab-case code`);
      else if (isProblemCode(item.code) && statusOf(item.code) !== status) violations.push(`errors/${i} has code ${item.code}, whose status is ${statusOf(item.code)}, in a ${status}`);
      if (typeof item?.pointer !== 'string') violations.push(`errors/${i} has no pointer`);
    });
  }
  return violations;
}

/**
 * A problem answer as tests assert it: its status, its code (the `type`) and, when given, the pointers of its
 * invalid parameters (with their codes: `'<pointer> <code>'`, in order).
 */
export function expectProblem(res: { status: number; body: unknown }, status: number, code: ProblemCode, items?: string[]): void {
  const body = res.body as { type?: unknown; errors?: { pointer: string; code: string }[] };
  expect({ status: res.status, type: body?.type }).toEqual({ status, type: `${PROBLEM_TYPE_BASE}${code}` });
  if (items !== undefined) expect((body.errors ?? []).map((e) => `${e.pointer} ${e.code}`)).toEqual(items);
}
