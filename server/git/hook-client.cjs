// Fabrique's git hook, run by receive-pack (pre-receive) while the pushed objects are quarantined.
// It hands the ref updates and the quarantine's object directories to the server that spawned git,
// prints the server's reasons (git shows them as `remote: ...`) and exits non-zero to refuse.
// Plain CommonJS with node:http only, so that it starts fast and needs no build step.
/* global require, process */
'use strict';
// eslint-disable-next-line @typescript-eslint/no-require-imports -- CommonJS on purpose: no module resolution to start.
const http = require('node:http');

const hook = process.argv[2];
const url = process.env.FABRIQUE_HOOK_URL;
const token = process.env.FABRIQUE_PUSH_TOKEN;

function refuse(message) {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

if (!url || !token) refuse('Fabrique: this push did not come through the server; refused.');

let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => (input += chunk));
process.stdin.on('end', () => {
  const updates = input
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const [oldId, newId, ref] = line.split(' ');
      return { oldId, newId, ref };
    });
  const body = JSON.stringify({
    hook,
    updates,
    objectDirectory: process.env.GIT_OBJECT_DIRECTORY ?? null,
    alternateObjectDirectories: process.env.GIT_ALTERNATE_OBJECT_DIRECTORIES ?? null,
    quarantinePath: process.env.GIT_QUARANTINE_PATH ?? null,
  });
  const request = http.request(
    url,
    { method: 'POST', headers: { 'content-type': 'application/json', 'x-fabrique-push-token': token } },
    (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk) => (text += chunk));
      response.on('end', () => {
        let answer;
        try {
          answer = JSON.parse(text);
        } catch {
          refuse(`Fabrique: the server could not check this push (HTTP ${response.statusCode}).`);
        }
        for (const message of answer.messages ?? []) process.stderr.write(`${message}\n`);
        process.exit(answer.ok === true ? 0 : 1);
      });
    },
  );
  request.on('error', (err) => refuse(`Fabrique: the server could not check this push (${err.code ?? err.message}).`));
  request.end(body);
});
