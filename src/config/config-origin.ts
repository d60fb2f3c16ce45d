/** Where a configuration value came from, for `config print --show-origin` and for error messages. */
export type ConfigOrigin =
  | { readonly kind: 'default' }
  | { readonly kind: 'file'; readonly file: string; readonly line?: number; readonly column?: number }
  | { readonly kind: 'env'; readonly variable: string }
  | { readonly kind: 'flag'; readonly flag: string };

export function describeOrigin(origin: ConfigOrigin): string {
  switch (origin.kind) {
    case 'default':
      return 'default';
    case 'file':
      return origin.line === undefined ? origin.file : `${origin.file}:${origin.line}${origin.column === undefined ? '' : `:${origin.column}`}`;
    case 'env':
      return `environment variable ${origin.variable}`;
    case 'flag':
      return origin.flag;
  }
}
