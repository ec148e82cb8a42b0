import { detectWallet } from './wallet-detect';

const UA = {
  wechatIos:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.49(0x18003137) NetType/WIFI Language/zh_CN',
  wechatAndroid:
    'Mozilla/5.0 (Linux; Android 13; V2227A Build/TP1A.220624.014; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/111.0.5563.116 Mobile Safari/537.36 XWEB/1110017 MMWEBSDK/20231202 MMWEBID/2247 MicroMessenger/8.0.47.2560(0x28002F35) WeChat/arm64 Weixin NetType/4G Language/zh_CN ABI/arm64',
  wecom:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 wxwork/4.1.16 MicroMessenger/7.0.1 Language/zh ColorScheme/Light',
  alipayAndroid:
    'Mozilla/5.0 (Linux; U; Android 12; zh-CN; PEGM00 Build/SKQ1.210216.001) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/69.0.3497.100 UWS/3.22.2.59 Mobile Safari/537.36 UCBS/3.22.2.59_230817180006 ChannelId(5) NebulaSDK/1.8.100112 Nebula AlipayDefined(nt:WIFI,ws:360|0|3.0) AliApp(AP/10.5.36.8100) AlipayClient/10.5.36.8100 Language/zh-Hans useStatusBar/true isConcaveScreen/true Region/CNAriver/1.0.0',
  alipayIos:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Ariver/1.1.0 AliApp(AP/10.5.30.6000) Nebula WK RVKType(0) AlipayDefined(nt:WIFI,ws:390|780|3.0) AlipayClient/10.5.30.6000 Language/zh-Hans Region/CN NebulaX/1.0.0',
  cloudQuickPass:
    'Mozilla/5.0 (Linux; Android 12; M2102J2SC Build/SKQ1.211006.001; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/96.0.4664.104 Mobile Safari/537.36 (com.unionpay.chsp) (cordova 7.0.0) (updebug 0) (version 1000) (UnionPay/1.0 CloudPay) (clientVersion 310) (language zh_CN) (upHtml) (walletMode 00)',
  unionpayIos:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 16_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 (com.unionpay.chsp) (cordova 4.5.4) (updebug 0) (version 950) (UnionPay/1.0 CloudPay)',
  unionpayBare: 'Mozilla/5.0 (Linux; Android 10) UnionPay/1.0 Mobile',
  countyBank:
    'Mozilla/5.0 (Linux; Android 14; 23078RKD5C Build/UP1A.230905.011; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/118.0.0.0 Mobile Safari/537.36 CountyBankApp/3.2.1 (com.unionpay.sdk)',
  safari: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
  chrome: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
  taobao:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 AliApp(TB/10.31.10) WindVane/8.7.2 UT4Aplus/0.0.6 1170x2532',
};

describe('detectWallet', () => {
  it.each([
    ['wechatIos', 'wechat'],
    ['wechatAndroid', 'wechat'],
    ['wecom', 'wechat'],
    ['alipayAndroid', 'alipay'],
    ['alipayIos', 'alipay'],
    ['cloudQuickPass', 'unionpay'],
    ['unionpayIos', 'unionpay'],
    ['unionpayBare', 'unionpay'],
    ['countyBank', 'county_bank'],
    ['safari', 'unknown'],
    ['chrome', 'unknown'],
    ['taobao', 'unknown'],
  ] as const)('%s -> %s', (name, wallet) => {
    expect(detectWallet(UA[name])).toBe(wallet);
  });

  it('uses the tenant-configured token for the county bank app', () => {
    const ua = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148 PingHuRCB/5.0.2';
    expect(detectWallet(ua, { countyBankUaToken: 'PingHuRCB' })).toBe('county_bank');
    expect(detectWallet(ua)).toBe('unknown');
    expect(detectWallet(UA.countyBank, { countyBankUaToken: 'PingHuRCB' })).toBe('unionpay');
  });

  it('matches whole tokens only, case-insensitively', () => {
    expect(detectWallet('Mozilla/5.0 micromessenger/8.0')).toBe('wechat');
    expect(detectWallet('Mozilla/5.0 NotMicroMessengerReally/1.0')).toBe('unknown');
    expect(detectWallet('Mozilla/5.0 XCountyBankApp/1.0')).toBe('unknown');
  });

  it.each([undefined, null, ''])('returns unknown for %j', (ua) => {
    expect(detectWallet(ua)).toBe('unknown');
  });

  it('refuses a malformed configured token', () => {
    expect(() => detectWallet(UA.safari, { countyBankUaToken: 'a b' })).toThrow(RangeError);
    expect(() => detectWallet(UA.safari, { countyBankUaToken: '.*' })).toThrow(RangeError);
  });
});
