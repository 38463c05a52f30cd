/* eslint-disable */
// Placeholder until `npm run openapi` generates the swagger plugin metadata.
export default async () => ({});
