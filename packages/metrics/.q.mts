import { precisionRecall, prdc } from './src/index.js';
const X = [[1,2,3],[2,1,0],[0,0,1],[3,1,2],[1,1,1]], Y = [[2,2,2],[1,0,1],[0,1,3],[2,3,1],[1,2,0],[3,0,2]];
console.log(precisionRecall(X, Y, {k:1}), precisionRecall(X, Y, {k:1, matmul:'float32'}));
console.log(prdc(X, Y, {k:2}), prdc(X, Y, {k:2, matmul:'float32'}));
