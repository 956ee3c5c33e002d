import type { Handlers } from '../../contract';
import type { chainMethods } from '../../contract/chain';
import type { NodeService } from '../../node/node-service';

/** What the chain handlers use. */
export interface ChainHandlersDeps {
  node: Pick<
    NodeService,
    'chainHead' | 'recentBlocks' | 'block' | 'tx' | 'account' | 'validators' | 'submit'
  >;
}

/** Handlers of the `chain.*` methods. */
export function chainHandlers(deps: ChainHandlersDeps): Handlers<typeof chainMethods> {
  return {
    'chain.head': async () => deps.node.chainHead(),
    'chain.blocks': async ({ limit, before }) => deps.node.recentBlocks(limit, before),
    'chain.block': async (ref) => deps.node.block(ref),
    'chain.tx': async ({ hash }) => deps.node.tx(hash),
    'chain.account': async ({ address, limit, before }) => deps.node.account(address, limit, before),
    'chain.validators': async () => deps.node.validators(),
    'chain.submitTx': async ({ tx }) => deps.node.submit(Uint8Array.from(Buffer.from(tx.slice(2), 'hex'))),
  };
}
