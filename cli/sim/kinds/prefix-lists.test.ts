import { GetManagedPrefixListEntriesCommand } from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { loadRealWorld } from '../../../test/helpers/fixtures.js';
import { ec2With, errorOf } from '../../../test/helpers/simulated-ec2.js';

describe('Function: simulated EC2', () => {
  describe('prefix lists', () => {
    it('reads prefix list entries and fails for an unknown prefix list', async () => {
      // Prepare
      const recorded = loadRealWorld<{ Entries: { Cidr: string; Description?: string }[] }>(
        'api/ec2/prefix-lists/awscli__GetManagedPrefixListEntries.json',
      );
      const { sim, ec2 } = await ec2With({
        prefixLists: [{ PrefixListId: 'pl-0123456abcabcabc1', Entries: recorded.Entries }],
      });

      // Act
      const out = await ec2.send(
        new GetManagedPrefixListEntriesCommand({ PrefixListId: 'pl-0123456abcabcabc1' }),
      );
      const missing = await errorOf(
        ec2.send(new GetManagedPrefixListEntriesCommand({ PrefixListId: 'pl-0000000000000000f' })),
      );
      await sim.close();

      // Assess
      expect(out.Entries).toEqual(recorded.Entries);
      expect(missing?.name).toBe('InvalidPrefixListID.NotFound');
    });
  });
});
