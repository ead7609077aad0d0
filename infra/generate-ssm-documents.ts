// Writes ssm-documents/<id>.yaml for every registered remediation (and removes documents of
// remediations no longer registered). A test checks the committed files equal this output.
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REMEDIATIONS } from '../functions/registry.js';
import { renderDocument } from './ssm-document.js';

const dir = join(import.meta.dirname, '..', 'ssm-documents');
const wanted = new Set<string>();
for (const remediation of REMEDIATIONS) {
  const { fileName, text } = renderDocument(remediation);
  wanted.add(fileName);
  writeFileSync(join(dir, fileName), text);
  console.log(`ssm-documents/${fileName}`);
}
for (const file of readdirSync(dir)) {
  if (file.endsWith('.yaml') && !wanted.has(file)) {
    rmSync(join(dir, file));
    console.log(`removed ssm-documents/${file}`);
  }
}
