// Prints node/django-session.ts compiled to JavaScript by the TypeScript of tests/nextjs/next16:
// node/django-session.mjs is its output, and the tests check that it still is. After editing
// the TypeScript:
//
//   node tests/nextjs/compile-helper.mjs > node/django-session.mjs
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const ts = createRequire(new URL("next16/package.json", import.meta.url))("typescript");
const source = readFileSync(new URL("../../node/django-session.ts", import.meta.url), "utf8");
const { outputText } = ts.transpileModule(source, {
  compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext },
});
process.stdout.write(outputText);
