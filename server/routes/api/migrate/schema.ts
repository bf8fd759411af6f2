export { MigrateRepoOptions } from '../../../../contract/migrate.js';
