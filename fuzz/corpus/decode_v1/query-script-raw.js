window.TCaptchaQuery = function(cb){var s=document.createElement("script");s.src="https://captcha.guard.qcloud.com/template/TCapIframeApi.js?appid=1251001047";document.head.appendChild(s);};
