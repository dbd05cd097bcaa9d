// OTLP/HTTP trace ingest: POST /v1/traces and the mapping of GenAI spans to call outcomes.
export { tracesRoutes } from './traces-routes.js';
