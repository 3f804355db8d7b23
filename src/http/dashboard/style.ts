/**
 * The dashboard's style sheet, inlined into the page: no build step, no file
 * read at run time (Workers has no file system), no request of its own.
 * Phone first: cards in one column at 360 px, a grid on wider screens; light
 * and dark, every colour pair at WCAG AA (docs/dashboard.md has the ratios,
 * tests/dashboard_contrast_test.ts checks them); 44 px touch targets; a
 * visible focus ring.
 *
 * @module
 */

/** The CSS of the sign-in form and the dashboard. */
export const DASHBOARD_STYLE = `
:root{color-scheme:light dark;--bg:#f3f4f6;--card:#fff;--text:#1b1f24;--muted:#57606a;--line:#d8dee4;
--control:#6e7781;--accent:#0969da;--primary:#0969da;--go:#1a7f37;--ok:#1a7f37;--warn:#9a6700;
--bad:#cf222e;--off:#6e7781}
@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--card:#161b22;--text:#e6edf3;--muted:#9198a1;
--line:#30363d;--control:#848d97;--accent:#4493f8;--primary:#1f6feb;--go:#238636;--ok:#3fb950;
--warn:#d29922;--bad:#f85149;--off:#9198a1}}
[hidden]{display:none!important}
*{box-sizing:border-box}
body{margin:0;font:16px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;
background:var(--bg);color:var(--text)}
a{color:var(--accent)}
.bar{display:flex;flex-wrap:wrap;align-items:center;gap:.25rem 1rem;padding:.5rem 1rem;
background:var(--card);border-bottom:1px solid var(--line)}
.bar h1{font-size:1.2rem;margin:0 auto 0 0}
.who{margin:0;color:var(--muted);font-size:.9rem}
.bar form{margin:0}
.bar a{display:inline-flex;align-items:center;min-height:44px;padding:0 .75rem;border-radius:8px}
main{max-width:72rem;margin:0 auto;padding:.5rem 1rem 2rem}
h2{font-size:.95rem;color:var(--muted);margin:1.25rem 0 .5rem;font-weight:600;letter-spacing:.02em}
.instances{list-style:none;margin:0;padding:0;display:grid;gap:.75rem;
grid-template-columns:repeat(auto-fill,minmax(min(100%,21rem),1fr))}
.instance{background:var(--card);border:1px solid var(--line);border-radius:12px;padding:1rem;
display:flex;flex-direction:column;gap:.75rem}
.head{display:flex;justify-content:space-between;align-items:center;gap:.5rem}
h3{margin:0;font-size:1.1rem;overflow-wrap:anywhere}
.unnamed{color:var(--muted);font-style:italic;font-weight:400}
.state{display:inline-flex;align-items:center;gap:.4rem;font-weight:600;font-size:.85rem;
padding:.1rem .6rem;border-radius:999px;border:1px solid currentColor;white-space:nowrap}
.dot{width:.55rem;height:.55rem;border-radius:50%;background:currentColor}
[data-state=running] .state{color:var(--ok)}
[data-state=pending] .state,[data-state=stopping] .state{color:var(--warn)}
[data-state=pending] .dot,[data-state=stopping] .dot{animation:pulse .8s infinite alternate}
[data-state=stopped] .state{color:var(--off)}
[data-state=shutting-down] .state,[data-state=terminated] .state{color:var(--bad)}
@keyframes pulse{to{opacity:.2}}
@media (prefers-reduced-motion:reduce){.dot{animation:none!important}}
dl{margin:0;display:grid;grid-template-columns:auto 1fr;gap:.35rem .75rem;font-size:.95rem}
dl div{display:contents}
dt{color:var(--muted);align-self:center}
dd{margin:0;min-width:0;display:flex;align-items:center;gap:.5rem;flex-wrap:wrap}
code{font:.88rem ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;overflow-wrap:anywhere}
button,input{font:inherit;min-height:44px;min-width:44px;border-radius:8px;border:1px solid var(--control)}
button{padding:.4rem 1rem;background:var(--card);color:var(--text);cursor:pointer}
button:hover:not(:disabled){border-color:var(--muted)}
button:disabled,button[data-action]:disabled{background:transparent;color:var(--muted);
border:1px dashed var(--line);font-weight:400;cursor:not-allowed}
:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
.copy{padding:0 .75rem;font-size:.9rem}
.actions,.menu{display:flex;gap:.5rem}
.actions>*{flex:1}
.split{display:flex;gap:2px}
.split button[data-action],.menu button{flex:1}
.more{padding:0}
.primary,[data-action=start]{background:var(--go);border-color:var(--go);color:#fff;font-weight:600}
.primary{background:var(--primary);border-color:var(--primary)}
[data-action=stop]{color:var(--bad);border-color:var(--bad)}
.message,.next,.held,.last{margin:0;font-size:.9rem;color:var(--muted)}
.held{color:var(--text);font-weight:600}
.holds button{padding:.4rem .5rem}
.find{margin:0;display:flex;align-items:center;gap:.5rem;flex:1 1 16rem}
.find input{flex:1;width:auto}
.filter-note{flex-basis:100%;margin:0;font-size:.85rem;color:var(--muted)}
.more-row{margin:.75rem 0 0}
.more-row:has(>[hidden]){display:none}
.message:empty,.note:empty{margin-top:-.75rem}
.updated{margin:-.5rem 0 0;font-size:.85rem;color:var(--muted)}
.updated:empty{display:none}
.summary{flex-basis:100%;margin:0;font-weight:600}
.note{margin:.75rem 0 0;color:var(--muted)}
#revoked{flex-basis:100%;margin:0;font-weight:600}
.error{color:var(--bad)}
.empty{color:var(--muted)}
.sr-only{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap}
.signin{max-width:24rem;margin:10vh auto;width:calc(100% - 2rem);padding:1.5rem;background:var(--card);
border:1px solid var(--line);border-radius:12px}
.signin h1{margin:0 0 .25rem}
.signin p{margin:0 0 1rem;color:var(--muted)}
.signin form{display:grid;gap:.5rem}
.signin .error{margin:0;color:var(--bad)}
label{font-weight:600}
input{padding:.5rem .75rem;background:var(--bg);color:var(--text);width:100%}
`;
