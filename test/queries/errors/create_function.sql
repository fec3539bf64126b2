-- fail: 2:1: not supported: CREATE FUNCTION (user-defined functions)
CREATE FUNCTION url_host AS 'com.example.UrlHost';
