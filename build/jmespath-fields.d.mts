export declare function search(expression: string, data: unknown): unknown;
export declare class PowertoolsFunctions {}
