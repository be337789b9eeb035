// Observable Framework config for keytwin's notebooks (built by `npm run notebooks`, served by
// `keytwin dashboard` under /learn/ and /explore/). Offline: no Google Fonts stylesheet, no
// footer link, no search index fetches; every library is imported explicitly from node_modules.
export default {
  root: 'src',
  output: 'dist',
  title: 'keytwin notebooks',
  globalStylesheets: [],
  footer: '',
  pager: false,
  pages: [
    { name: 'Learn', pages: [{ name: 'The unlock, step by step', path: '/learn/unlock' }] },
    {
      name: 'Explore',
      pages: [
        { name: 'Energy what-if', path: '/explore/energy' },
        { name: 'A stored run or sweep', path: '/explore/runs' },
      ],
    },
  ],
};
