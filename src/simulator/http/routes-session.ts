import { formatIstDateTime } from '../ist';
import { rmsData } from './wire';
import { fail, obj, ok, str, type RouteDef } from './router';

const AUTH = '/rest/auth/angelbroking';
const USER = '/rest/secure/angelbroking/user/v1';

/** Login, token refresh, profile, logout and funds (protocol §1.2, §2.6). */
export function sessionRoutes(): RouteDef[] {
  return [
    {
      method: 'POST',
      path: `${AUTH}/user/v1/loginByPassword`,
      name: 'loginByPassword',
      auth: 'key',
      handler: ({ body }, ctx) => {
        const b = obj(body);
        const out = ctx.sessions.login(b.clientcode, b.password, b.totp);
        return out.ok ? ok(out.tokens) : fail(out.errorcode, out.message);
      },
    },
    {
      method: 'POST',
      path: `${AUTH}/jwt/v1/generateTokens`,
      name: 'generateTokens',
      auth: 'key',
      handler: ({ body }, ctx) => {
        const out = ctx.sessions.refresh(obj(body).refreshToken);
        return out.ok ? ok(out.tokens) : fail(out.errorcode, out.message);
      },
    },
    {
      method: 'GET',
      path: `${USER}/getProfile`,
      name: 'getProfile',
      auth: 'jwt',
      handler: ({ clientCode }, ctx) =>
        ok({
          clientcode: clientCode,
          name: ctx.options.clientName,
          email: '',
          mobileno: '',
          exchanges: ['nse_cm', 'nse_fo', 'mcx_fo'],
          products: ['MARGIN', 'MIS', 'NRML', 'CNC', 'CO', 'BO'],
          lastlogintime: formatIstDateTime(ctx.clock.now()),
          broker: '',
        }),
    },
    {
      method: 'POST',
      path: `${USER}/logout`,
      name: 'logout',
      auth: 'jwt',
      handler: ({ body, clientCode, sid }, ctx) => {
        const code = str(obj(body), 'clientcode');
        if (code !== undefined && code !== clientCode) return fail('AB1032', 'User Not Found');
        ctx.sessions.logout(sid);
        return ok(null);
      },
    },
    {
      method: 'GET',
      path: `${USER}/getRMS`,
      name: 'getRMS',
      auth: 'jwt',
      handler: ({ clientCode }, ctx) => ok(rmsData(ctx.engine.funds(clientCode))),
    },
  ];
}
