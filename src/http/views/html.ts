import { escapeHtml } from '../../rules/render';

export { escapeHtml };

/** A small self-contained printable page: inline CSS only, no scripts, no external resources. */
export function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="da">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
  body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2rem auto; max-width: 60rem; color: #1b1b1b; line-height: 1.45; padding: 0 1rem; }
  h1 { font-size: 1.5rem; margin-bottom: .25rem; } h2 { font-size: 1.15rem; margin-top: 2rem; border-bottom: 1px solid #ccc; }
  table { border-collapse: collapse; width: 100%; font-size: .92rem; } th, td { text-align: left; vertical-align: top; padding: .35rem .5rem; border-bottom: 1px solid #e3e3e3; }
  th { background: #f4f4f4; } .met { color: #0a6b2d; font-weight: 600; } .not-met { color: #a4161a; font-weight: 600; } .insufficient-evidence, .missing { color: #8a5a00; font-weight: 600; }
  .verdict { font-size: 1.2rem; padding: .6rem 1rem; border-radius: .3rem; display: inline-block; } .eligible { background: #e2f3e8; } .not-eligible { background: #fbe4e4; } .incomplete { background: #fff3d6; } .not-approvable { background: #fff3d6; }
  td.id { white-space: nowrap; }
  dl { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; } dt { font-weight: 600; } code { font-size: .85em; word-break: break-all; }
  @media print { body { margin: 0; } a { color: inherit; text-decoration: none; } }
</style>
</head>
<body>
${body}
</body>
</html>`;
}
