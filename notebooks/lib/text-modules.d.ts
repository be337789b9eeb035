// Scenario files bundled as text by notebooks/build.ts (esbuild's text loader).
declare module '*.yaml' {
  const text: string;
  export default text;
}
