-- fail: 2:29: not supported: CREATE FUNCTION … LANGUAGE JAVA
CREATE FUNCTION url_host AS 'com.example.UrlHost';
