import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createReachableCustomers, identityKeys } from '../server/invitations/reachable-customers.ts';

describe('reachable customers (one instance’s registry)', () => {
  it('counts tabs per identity and site, and forgets a customer entirely once their last tab leaves', () => {
    const reachable = createReachableCustomers({ maxTabs: 10, maxTabsPerCustomer: 3 });
    const keys = identityKeys({ email: ' Ada@Example.com ', accountId: 'acct-1' });
    assert.deepEqual(keys, ['e:ada@example.com', 'a:acct-1']);
    const leaveShop = reachable.add('https://shop.example', keys);
    const leaveHelp = reachable.add('https://help.example', keys);
    assert.deepEqual(reachable.sitesOf('a:acct-1'), ['https://shop.example', 'https://help.example']);
    leaveShop();
    leaveShop(); // counted out once, however often called
    assert.deepEqual(reachable.sitesOf('e:ada@example.com'), ['https://help.example']);
    leaveHelp();
    assert.deepEqual(reachable.sitesOf('e:ada@example.com'), []);
    assert.equal(reachable.size, 0);
  });

  it('refuses tabs past the per-customer cap and past the instance’s cap (LIMIT_REACHED)', () => {
    const reachable = createReachableCustomers({ maxTabs: 4, maxTabsPerCustomer: 2 });
    const bea = identityKeys({ email: 'bea@example.com' });
    reachable.add('https://shop.example', bea);
    const leave = reachable.add('https://shop.example', bea);
    assert.throws(() => reachable.add('https://shop.example', bea), { code: 'LIMIT_REACHED', message: /as many reachable tabs/ });
    leave();
    reachable.add('https://shop.example', bea);
    reachable.add('https://shop.example', identityKeys({ email: 'c@example.com' }));
    reachable.add('https://shop.example', identityKeys({ email: 'd@example.com' }));
    assert.throws(() => reachable.add('https://shop.example', identityKeys({ email: 'e@example.com' })), {
      code: 'LIMIT_REACHED',
      message: /as many reachable customers/,
    });
    assert.equal(reachable.size, 4);
  });
});
