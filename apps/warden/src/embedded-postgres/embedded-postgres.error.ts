/** The embedded PostgreSQL server cannot be set up or started; the message says what to do. */
export class EmbeddedPostgresError extends Error {}
