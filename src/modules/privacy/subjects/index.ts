export { eraseSubject, exportSubject } from './commands.js';
export { subjectRequestPermissions } from './permissions.js';
export { pageRequests, subjectRequestRoutes } from './routes.js';
export { subjectRequestCatalog, subjectRequestMigrations, type SubjectRequestTables } from './schema.js';
