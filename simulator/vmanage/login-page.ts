/**
 * What vManage sends instead of data when the credentials are wrong or the session is gone: HTTP 200
 * and its HTML login page. Clients must recognise it by the body (`<html`) or the content type.
 */
export const LOGIN_PAGE_HTML = `<!DOCTYPE html>
<html>
<head>
<meta charset="utf-8">
<title>Cisco Catalyst SD-WAN</title>
</head>
<body>
<form name="loginForm" method="POST" action="j_security_check">
<input type="text" name="j_username" autocomplete="off">
<input type="password" name="j_password" autocomplete="off">
<input type="submit" value="Log In">
</form>
</body>
</html>
`;
