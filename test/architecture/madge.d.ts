/**
 * The part of madge 8's API the import-graph test uses (madge ships no types; its README documents
 * these calls: https://github.com/pahen/madge#api). A path reads a directory; an object is taken
 * as a ready graph, which lets the test prove a rule fails on a graph that breaks it.
 */
declare module 'madge' {
  interface MadgeConfig {
    fileExtensions?: string[];
    tsConfig?: string;
    detectiveOptions?: { ts?: { skipTypeImports?: boolean } };
  }
  interface MadgeResult {
    obj(): Record<string, string[]>;
    warnings(): { skipped: string[] };
    circular(): string[][];
  }
  function madge(path: string | string[] | Record<string, string[]>, config?: MadgeConfig): Promise<MadgeResult>;
  export default madge;
}
