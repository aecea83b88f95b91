import { main } from '../../src/cli/main';
import { baseRuleset, edited, lockFor, makeTree, type TempTree } from '../rules/helpers';

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run the CLI in-process with `cwd` as working directory. */
export async function cli(cwd: string, args: string[], today?: string): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await main(['node', 'speciale-rules', ...args], {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    cwd,
    ...(today ? { today } : {}),
  });
  return { code, stdout, stderr };
}

export const lines = (text: string) => text.split('\n').filter((l) => l !== '');

export const IMMUTABLE = "er publiceret og må ikke ændres; udgiv en ny version i stedet (published versions are immutable: publish a new version instead)";

/** A tree with one deliberate mistake of each kind. */
export function brokenTree(): TempTree {
  const published = baseRuleset();
  const draft = (version: string, edit: (r: any) => void = () => {}) => edited(baseRuleset({ version, status: 'draft', effectiveFrom: '2030-01-01' }), edit);
  const twin = baseRuleset({ version: '2.0.0', effectiveFrom: '2028-01-01' });
  const sameDay = baseRuleset({ version: '2.1.0', effectiveFrom: '2028-01-01' });
  const tree = makeTree({
    'demo/1.0.0.json': published,
    'demo/1.1.0.json': draft('1.1.0', (r) => {
      const sf = r.levels.specialfunktion.requirements;
      sf[0].conditions.all[0].fact = 'fteWithCompetense'; // unknown fact
      sf[1].conditions.all[0].operator = 'contains'; // wrong operator for a number fact
      sf[2].conditions.all[0].value = '3'; // wrong value type
      sf[3].conditions.any[0].operator = 'atLeast'; // unknown operator
      sf[3].conditions.any[1].params = { partnerTypes: ['psykiatrien'] }; // bad params
      sf[5].conditions.all[0].path = '$.psychologist'; // bad path
    }),
    'demo/1.2.0.json': draft('1.2.0', (r) => (r.levels.raadgivningsfunktion.requirements[0].id = 'DEM-SF-01')), // duplicate id
    'demo/1.3.0.json': draft('1.3.1'), // file/version mismatch
    'demo/1.4.0.json': draft('1.4.0', (r) => (r.levels.raadgivningsfunktion.includesLevel = 'basisniveau')), // unresolvable includesLevel
    'demo/1.5.0.json': '{\n  "speciale": "demo",\n  "version": "1.5.0",\n}\n', // malformed JSON
    'demo/2.0.0.json': twin,
    'demo/2.1.0.json': sameDay, // published on the same day as 2.0.0
    'andet/1.0.0.json': draft('1.0.0'), // folder mismatch
    'rules.lock.json': lockFor(published, twin, sameDay),
  });
  // A one-character edit of the published, locked 1.0.0.
  tree.write('demo/1.0.0.json', tree.read('demo/1.0.0.json').replace('"value": 60', '"value": 50'));
  return tree;
}
