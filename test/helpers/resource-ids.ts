/**
 * Strings no resource id format may admit, built around a valid id: quotes, braces and SSM
 * placeholders (a way out of the JSON payload an SSM document builds), backslashes, spaces and
 * control characters, path steps (`..`), and very long ones.
 */
export function hostileIds(valid: string): string[] {
  return [
    `${valid}"`,
    `"${valid}`,
    `${valid}"},"x":"`,
    `${valid}'`,
    `${valid}\\`,
    `${valid}\\u0022`,
    `{${valid}}`,
    `{{${valid}}}`,
    `${valid}{{ ResourceId }}`,
    ` ${valid}`,
    `${valid} `,
    `${valid} x`,
    `${valid}\n`,
    `\n${valid}`,
    `${valid}\t`,
    `${valid}\u0000`,
    `${valid}\u202e`,
    `../${valid}`,
    `${valid}/..`,
    `${valid}/../x`,
    '..',
    '../..',
    valid.repeat(50),
    `${valid}${'a'.repeat(2000)}`,
    '',
    ' ',
  ];
}
