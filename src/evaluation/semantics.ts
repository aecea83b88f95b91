/**
 * The version of what the evaluator means by the same evidence and rule file: recorded with every
 * evaluation (`semanticsVersion`), so a replay can tell a change of the evaluator from a change of the
 * evidence or the rule file.
 *
 * Raise it whenever a change of the evaluator (a derivation, a window, how outcomes combine) alters the
 * result for the same evidence and the same rule file. Text-only changes (explanations, the summary) and
 * approvability, which depends on the day it is shown, do not raise it.
 *
 * 1 – windows counted back from the evaluation date (`asOf`); evaluations stored without a
 *     `semanticsVersion` were made under it.
 * 2 – every window of the fact catalogue counts back from the evidence's `reportingDate`; only the evidence's
 *     age depends on the evaluation date.
 */
export const EVALUATOR_SEMANTICS_VERSION = 2;

/** The semantics of evaluations stored before the version was recorded. */
export const UNRECORDED_SEMANTICS_VERSION = 1;
