/** Static credentials every simulated client signs with (nothing checks them). */
export const SIM_CREDENTIALS = {
  accessKeyId: 'AKIASIMULATEDAIRLOCK',
  secretAccessKey: 'simulated-secret-access-key',
} as const;
