// The BFF's version as /healthz and the OpenAPI document report it.
export const APP_VERSION = '0.1.0';
