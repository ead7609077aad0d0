import type { Plugin } from 'esbuild';

export declare const SCHEMA_MODULE: RegExp;
export declare function inlineSchemaKeys(source: string): { contents: string; replaced: number };
export declare function schemaKeysPlugin(): Plugin;
export declare const SDK_PACKAGE_JSON: RegExp;
export declare function sdkPackageInfoPlugin(): Plugin;
export declare const LAMBDA_STAND_INS: Readonly<Record<string, string>>;
export declare const BROWSER_ONLY: readonly string[];
export declare function lambdaStandInsPlugin(): Plugin;
export declare const BUILTIN_IMPORTS: readonly { readonly file: RegExp; readonly specifier: string }[];
export declare function builtinRequirePlugin(): Plugin;
export declare function lambdaBundlePlugins(): Plugin[];
