import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// The layer rule (docs/architecture.md): routes -> services | views | presenters | contract -> db | git | auth -> lib.
// Dependencies point down only; a route never reaches db/ or git/ (not even for a type), lower layers
// never reach up. `npm run lint` fails on an upward or bypassing import.
const layer = (files, forbidden, message) => ({
  files,
  rules: {
    'no-restricted-imports': ['error', { patterns: forbidden.map((group) => ({ group: [group], message })) }],
  },
});
const UP_FROM_LOWER = ['**/routes/**', '**/plugins/**', '**/services/**', '**/views/**', '**/presenters/**'];
const layers = [
  layer(['server/routes/**/*.ts'], ['**/db/**', '**/git/**'], 'Routes read through server/views/ and write through server/services/: never db/ or git/.'),
  layer(['server/services/**/*.ts'], ['**/routes/**', '**/plugins/**', '**/views/**'], 'Services sit below routes and beside views: they import db/, git/, auth/, lib/ and other services.'),
  // Views may call the read helpers of services (rendering, rules shared with the writes); services never import views.
  layer(['server/views/**/*.ts'], ['**/routes/**', '**/plugins/**'], 'Views only read: db/, git/, auth/, presenters, lib/ and the read helpers of services, never routes.'),
  layer(['server/presenters/**/*.ts'], ['**/routes/**', '**/plugins/**', '**/services/**', '**/views/**', '**/auth/**'], 'Presenters shape rows and git objects into wire shapes: db/, git/, contract/ and lib/ only.'),
  layer(['server/db/**/*.ts'], [...UP_FROM_LOWER, '**/git/**', '**/auth/**'], 'db/ holds SQL only: it imports lib/ and contract/.'),
  layer(['server/git/**/*.ts'], [...UP_FROM_LOWER, '**/db/**', '**/auth/**'], 'git/ holds git only: it imports lib/ and contract/.'),
  layer(['server/auth/**/*.ts'], [...UP_FROM_LOWER, '**/git/**'], 'auth/ imports db/ and lib/ only.'),
  layer(['server/lib/**/*.ts'], [...UP_FROM_LOWER, '**/db/**', '**/git/**', '**/auth/**'], 'lib/ holds small pure helpers.'),
  layer(['contract/**/*.ts'], ['**/server/**', '**/web/**'], 'contract/ is imported by server and web alike: it imports neither.'),
  layer(['web/**/*.ts'], ['**/server/**'], 'The web app reaches the server only through its API, typed by contract/.'),
];

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'data/', 'repos/', 'bench/.work/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  ...layers,
  {
    // The data layer answers promises: a promise dropped, or handed to a place that wants a value
    // (an array predicate, a condition, a void callback), is a bug no type error shows.
    files: ['server/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
    },
  },
  {
    files: ['bench/**', 'test/**'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
);
