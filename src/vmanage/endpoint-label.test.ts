import { describe, expect, it } from 'vitest';
import { endpointLabel } from './endpoint-label.ts';

describe('endpointLabel', () => {
  it.each([
    ['/dataservice/device?deviceId=10.10.1.13', '/dataservice/device'],
    ['/dataservice/data/device/statistics/approutestatsstatistics?scrollId=abc', '/dataservice/data/device/statistics/approutestatsstatistics'],
    ['/dataservice/template/policy/vsmart/activate/6c0a3c7e-6a4c-4a51-9c7c-0f3fd8a0c2a1?confirm=true', '/dataservice/template/policy/vsmart/activate/{id}'],
    ['/dataservice/device/action/status/push_file_template_configuration-70acb6c7a5894a10', '/dataservice/device/action/status/{id}'],
    ['/dataservice/tenant/42/vsessionid', '/dataservice/tenant/{id}/vsessionid'],
    ['/dataservice/system/device/10.10.1.13', '/dataservice/system/device/{id}'],
    ['/j_security_check', '/j_security_check'],
    ['/dataservice/data/device/state/BFDSessions', '/dataservice/data/device/state/BFDSessions'],
  ])('%s → %s', (path, label) => {
    expect(endpointLabel(path)).toBe(label);
  });
});
