// The renderer's Content-Security-Policy. It talks to nothing but the main
// process: no connect-src, no remote scripts, no frames, no plugins. React and
// echarts style through the CSSOM, which style-src does not restrict.
export const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'none'; object-src 'none'; frame-src 'none'; worker-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
