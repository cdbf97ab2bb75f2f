# Rendered by: gnuplot figE5_mnist.gp (run from this directory)
set terminal pngcairo size 1500,1700 noenhanced font 'Sans,11'
set output 'figE5_mnist.png'
set datafile separator ','
set key autotitle columnhead
set grid lc rgb '#dddddd'
set multiplot layout 5,3 title 'DFC Figs. S5–S12 (mnist, quick scale, the Table 1 runs; dashed: fixed feedback)' margins 0.06,0.86,0.05,0.93 spacing 0.06,0.05
unset key
set datafile missing NaN
set xlabel 'training minibatch' offset 0,0.5
set title 'layer 1: ∠(ΔW, BP) [°]'
set yrange [0:*]
set xrange [0:233]
set format x '% h'
set key at screen 0.995,0.5 right center vertical font ',10'
plot 'figE5_mnist.csv' using 1:76 with linespoints pt 7 ps 0.4 lw 1.5 lc rgb '#4169E1' title 'DFC', \
     '' using 1:61 with linespoints pt 7 ps 0.4 lw 1.5 lc rgb '#2ca02c' title 'DFC-SS', \
     '' using 1:51 with linespoints pt 7 ps 0.4 lw 1.5 lc rgb '#8a2be2' title 'DFC-SSA', \
     '' using 1:11 with linespoints pt 7 ps 0.4 lw 1.5 dt 2 lc rgb '#4169E1' title 'DFC (fixed)', \
     '' using 1:26 with linespoints pt 7 ps 0.4 lw 1.5 dt 2 lc rgb '#2ca02c' title 'DFC-SS (fixed)', \
     '' using 1:41 with linespoints pt 7 ps 0.4 lw 1.5 dt 2 lc rgb '#8a2be2' title 'DFC-SSA (fixed)', \
     '' using 1:2 with linespoints pt 7 ps 0.4 lw 1.5 lc rgb '#d62728' title 'DFA'
unset key
set title 'layer 1: ∠(ΔW, MN, γ = 1) [°]'
set yrange [0:*]
set xrange [0:233]
set format x '% h'
plot 'figE5_mnist.csv' using 1:83 with linespoints pt 7 ps 0.4 lw 1.5 lc rgb '#4169E1' title 'DFC', \
     '' using 1:68 with linespoints pt 7 ps 0.4 lw 1.5 lc rgb '#2ca02c' title 'DFC-SS', \
     '' using 1:57 with linespoints pt 7 ps 0.4 lw 1.5 lc rgb '#8a2be2' title 'DFC-SSA', \
     '' using 1:18 with linespoints pt 7 ps 0.4 lw 1.5 dt 2 lc rgb '#4169E1' title 'DFC (fixed)', \
     '' using 1:33 with linespoints pt 7 ps 0.4 lw 1.5 dt 2 lc rgb '#2ca02c' title 'DFC-SS (fixed)', \
     '' using 1:47 with linespoints pt 7 ps 0.4 lw 1.5 dt 2 lc rgb '#8a2be2' title 'DFC-SSA (fixed)', \
     '' using 1:7 with linespoints pt 7 ps 0.4 lw 1.5 lc rgb '#d62728' title 'DFA'
set title 'layer 1: ∠(ΔW, DFC-SSA) [°]'
set yrange [0:*]
set xrange [0:7]
set format x '% h'
plot 'figE5_mnist.csv' using 1:87 with linespoints pt 7 ps 0.4 lw 1.5 lc rgb '#4169E1' title 'DFC', \
     '' using 1:72 with linespoints pt 7 ps 0.4 lw 1.5 lc rgb '#2ca02c' title 'DFC-SS', \
     '' using 1:22 with linespoints pt 7 ps 0.4 lw 1.5 dt 2 lc rgb '#4169E1' title 'DFC (fixed)', \
     '' using 1:37 with linespoints pt 7 ps 0.4 lw 1.5 dt 2 lc rgb '#2ca02c' title 'DFC-SS (fixed)'
set title 'layer 2: ∠(ΔW, BP) [°]'
set yrange [0:*]
set xrange [0:233]
set format x '% h'
plot 'figE5_mnist.csv' using 1:77 with linespoints pt 7 ps 0.4 lw 1.5 lc rgb '#4169E1' title 'DFC', \
     '' using 1:62 with linespoints pt 7 ps 0.4 lw 1.5 lc rgb '#2ca02c' title 'DFC-SS', \
     '' using 1:52 with linespoints pt 7 ps 0.4 lw 1.5 lc rgb '#8a2be2' title 'DFC-SSA', \
     '' using 1:12 with linespoints pt 7 ps 0.4 lw 1.5 dt 2 lc rgb '#4169E1' title 'DFC (fixed)', \
     '' using 1:27 with linespoints pt 7 ps 0.4 lw 1.5 dt 2 lc rgb '#2ca02c' title 'DFC-SS (fixed)', \
     '' using 1:42 with linespoints pt 7 ps 0.4 lw 1.5 dt 2 lc rgb '#8a2be2' title 'DFC-SSA (fixed)', \
     '' using 1:3 with linespoints pt 7 ps 0.4 lw 1.5 lc rgb '#d62728' title 'DFA'
set title 'layer 2: ∠(ΔW, MN, γ = 1) [°]'
set yrange [0:*]
set xrange [0:233]
set format x '% h'
plot 'figE5_mnist.csv' using 1:84 with linespoints pt 7 ps 0.4 lw 1.5 lc rgb '#4169E1' title 'DFC', \
     '' using 1:69 with linespoints pt 7 ps 0.4 lw 1.5 lc rgb '#2ca02c' title 'DFC-SS', \
     '' using 1:58 with linespoints pt 7 ps 0.4 lw 1.5 lc rgb '#8a2be2' title 'DFC-SSA', \
     '' using 1:19 with linespoints pt 7 ps 0.4 lw 1.5 dt 2 lc rgb '#4169E1' title 'DFC (fixed)', \
     '' using 1:34 with linespoints pt 7 ps 0.4 lw 1.5 dt 2 lc rgb '#2ca02c' title 'DFC-SS (fixed)', \
     '' using 1:48 with linespoints pt 7 ps 0.4 lw 1.5 dt 2 lc rgb '#8a2be2' title 'DFC-SSA (fixed)', \
     '' using 1:8 with linespoints pt 7 ps 0.4 lw 1.5 lc rgb '#d62728' title 'DFA'
set title 'layer 2: ∠(ΔW, DFC-SSA) [°]'
set yrange [0:*]
set xrange [0:7]
set format x '% h'
plot 'figE5_mnist.csv' using 1:88 with linespoints pt 7 ps 0.4 lw 1.5 lc rgb '#4169E1' title 'DFC', \
     '' using 1:73 with linespoints pt 7 ps 0.4 lw 1.5 lc rgb '#2ca02c' title 'DFC-SS', \
     '' using 1:23 with linespoints pt 7 ps 0.4 lw 1.5 dt 2 lc rgb '#4169E1' title 'DFC (fixed)', \
     '' using 1:38 with linespoints pt 7 ps 0.4 lw 1.5 dt 2 lc rgb '#2ca02c' title 'DFC-SS (fixed)'
set title 'layer 3: ∠(ΔW, BP) [°]'
set yrange [0:*]
set xrange [0:233]
set format x '% h'
plot 'figE5_mnist.csv' using 1:78 with linespoints pt 7 ps 0.4 lw 1.5 lc rgb '#4169E1' title 'DFC', \
     '' using 1:63 with linespoints pt 7 ps 0.4 lw 1.5 lc rgb '#2ca02c' title 'DFC-SS', \
     '' using 1:53 with linespoints pt 7 ps 0.4 lw 1.5 lc rgb '#8a2be2' title 'DFC-SSA', \
     '' using 1:13 with linespoints pt 7 ps 0.4 lw 1.5 dt 2 lc rgb '#4169E1' title 'DFC (fixed)', \
     '' using 1:28 with linespoints pt 7 ps 0.4 lw 1.5 dt 2 lc rgb '#2ca02c' title 'DFC-SS (fixed)', \
     '' using 1:43 with linespoints pt 7 ps 0.4 lw 1.5 dt 2 lc rgb '#8a2be2' title 'DFC-SSA (fixed)', \
     '' using 1:4 with linespoints pt 7 ps 0.4 lw 1.5 lc rgb '#d62728' title 'DFA'
set title 'layer 3: ∠(ΔW, MN, γ = 1) [°]'
set yrange [0:*]
set xrange [0:233]
set format x '% h'
plot 'figE5_mnist.csv' using 1:85 with linespoints pt 7 ps 0.4 lw 1.5 lc rgb '#4169E1' title 'DFC', \
     '' using 1:70 with linespoints pt 7 ps 0.4 lw 1.5 lc rgb '#2ca02c' title 'DFC-SS', \
     '' using 1:59 with linespoints pt 7 ps 0.4 lw 1.5 lc rgb '#8a2be2' title 'DFC-SSA', \
     '' using 1:20 with linespoints pt 7 ps 0.4 lw 1.5 dt 2 lc rgb '#4169E1' title 'DFC (fixed)', \
     '' using 1:35 with linespoints pt 7 ps 0.4 lw 1.5 dt 2 lc rgb '#2ca02c' title 'DFC-SS (fixed)', \
     '' using 1:49 with linespoints pt 7 ps 0.4 lw 1.5 dt 2 lc rgb '#8a2be2' title 'DFC-SSA (fixed)', \
     '' using 1:9 with linespoints pt 7 ps 0.4 lw 1.5 lc rgb '#d62728' title 'DFA'
set title 'layer 3: ∠(ΔW, DFC-SSA) [°]'
set yrange [0:*]
set xrange [0:7]
set format x '% h'
plot 'figE5_mnist.csv' using 1:89 with linespoints pt 7 ps 0.4 lw 1.5 lc rgb '#4169E1' title 'DFC', \
     '' using 1:74 with linespoints pt 7 ps 0.4 lw 1.5 lc rgb '#2ca02c' title 'DFC-SS', \
     '' using 1:24 with linespoints pt 7 ps 0.4 lw 1.5 dt 2 lc rgb '#4169E1' title 'DFC (fixed)', \
     '' using 1:39 with linespoints pt 7 ps 0.4 lw 1.5 dt 2 lc rgb '#2ca02c' title 'DFC-SS (fixed)'
set title 'layer 4: ∠(ΔW, BP) [°]'
set yrange [0:*]
set xrange [0:233]
set format x '% h'
plot 'figE5_mnist.csv' using 1:79 with linespoints pt 7 ps 0.4 lw 1.5 lc rgb '#4169E1' title 'DFC', \
     '' using 1:64 with linespoints pt 7 ps 0.4 lw 1.5 lc rgb '#2ca02c' title 'DFC-SS', \
     '' using 1:54 with linespoints pt 7 ps 0.4 lw 1.5 lc rgb '#8a2be2' title 'DFC-SSA', \
     '' using 1:14 with linespoints pt 7 ps 0.4 lw 1.5 dt 2 lc rgb '#4169E1' title 'DFC (fixed)', \
     '' using 1:29 with linespoints pt 7 ps 0.4 lw 1.5 dt 2 lc rgb '#2ca02c' title 'DFC-SS (fixed)', \
     '' using 1:44 with linespoints pt 7 ps 0.4 lw 1.5 dt 2 lc rgb '#8a2be2' title 'DFC-SSA (fixed)', \
     '' using 1:5 with linespoints pt 7 ps 0.4 lw 1.5 lc rgb '#d62728' title 'DFA'
set title 'layer 4: ∠(ΔW, MN, γ = 1) [°]'
set yrange [0:*]
set xrange [0:233]
set format x '% h'
plot 'figE5_mnist.csv' using 1:86 with linespoints pt 7 ps 0.4 lw 1.5 lc rgb '#4169E1' title 'DFC', \
     '' using 1:71 with linespoints pt 7 ps 0.4 lw 1.5 lc rgb '#2ca02c' title 'DFC-SS', \
     '' using 1:60 with linespoints pt 7 ps 0.4 lw 1.5 lc rgb '#8a2be2' title 'DFC-SSA', \
     '' using 1:21 with linespoints pt 7 ps 0.4 lw 1.5 dt 2 lc rgb '#4169E1' title 'DFC (fixed)', \
     '' using 1:36 with linespoints pt 7 ps 0.4 lw 1.5 dt 2 lc rgb '#2ca02c' title 'DFC-SS (fixed)', \
     '' using 1:50 with linespoints pt 7 ps 0.4 lw 1.5 dt 2 lc rgb '#8a2be2' title 'DFC-SSA (fixed)', \
     '' using 1:10 with linespoints pt 7 ps 0.4 lw 1.5 lc rgb '#d62728' title 'DFA'
set title 'layer 4: ∠(ΔW, DFC-SSA) [°]'
set yrange [0:*]
set xrange [0:7]
set format x '% h'
plot 'figE5_mnist.csv' using 1:90 with linespoints pt 7 ps 0.4 lw 1.5 lc rgb '#4169E1' title 'DFC', \
     '' using 1:75 with linespoints pt 7 ps 0.4 lw 1.5 lc rgb '#2ca02c' title 'DFC-SS', \
     '' using 1:25 with linespoints pt 7 ps 0.4 lw 1.5 dt 2 lc rgb '#4169E1' title 'DFC (fixed)', \
     '' using 1:40 with linespoints pt 7 ps 0.4 lw 1.5 dt 2 lc rgb '#2ca02c' title 'DFC-SS (fixed)'
set title 'Condition 2 (trained K: per epoch; fixed K: per log)'
set autoscale y
set xrange [0:233]
set format x '% h'
plot 'figE5_mnist.csv' using 1:80 with linespoints pt 7 ps 0.4 lw 1.5 lc rgb '#4169E1' title 'DFC', \
     '' using 1:65 with linespoints pt 7 ps 0.4 lw 1.5 lc rgb '#2ca02c' title 'DFC-SS', \
     '' using 1:55 with linespoints pt 7 ps 0.4 lw 1.5 lc rgb '#8a2be2' title 'DFC-SSA', \
     '' using 1:15 with linespoints pt 7 ps 0.4 lw 1.5 dt 2 lc rgb '#4169E1' title 'DFC (fixed)', \
     '' using 1:30 with linespoints pt 7 ps 0.4 lw 1.5 dt 2 lc rgb '#2ca02c' title 'DFC-SS (fixed)', \
     '' using 1:45 with linespoints pt 7 ps 0.4 lw 1.5 dt 2 lc rgb '#8a2be2' title 'DFC-SSA (fixed)'
set logscale y
set format y '%.0e'
set title 'minibatch loss'
set autoscale y
set xrange [0:233]
set format x '% h'
plot 'figE5_mnist.csv' using 1:82 with linespoints pt 7 ps 0.4 lw 1.5 lc rgb '#4169E1' title 'DFC', \
     '' using 1:67 with linespoints pt 7 ps 0.4 lw 1.5 lc rgb '#2ca02c' title 'DFC-SS', \
     '' using 1:56 with linespoints pt 7 ps 0.4 lw 1.5 lc rgb '#8a2be2' title 'DFC-SSA', \
     '' using 1:17 with linespoints pt 7 ps 0.4 lw 1.5 dt 2 lc rgb '#4169E1' title 'DFC (fixed)', \
     '' using 1:32 with linespoints pt 7 ps 0.4 lw 1.5 dt 2 lc rgb '#2ca02c' title 'DFC-SS (fixed)', \
     '' using 1:46 with linespoints pt 7 ps 0.4 lw 1.5 dt 2 lc rgb '#8a2be2' title 'DFC-SSA (fixed)', \
     '' using 1:6 with linespoints pt 7 ps 0.4 lw 1.5 lc rgb '#d62728' title 'DFA'
unset logscale y
set format y '% h'
set title 'converged fraction'
set yrange [0:1.05]
set xrange [0:7]
set format x '% h'
plot 'figE5_mnist.csv' using 1:81 with linespoints pt 7 ps 0.4 lw 1.5 lc rgb '#4169E1' title 'DFC', \
     '' using 1:66 with linespoints pt 7 ps 0.4 lw 1.5 lc rgb '#2ca02c' title 'DFC-SS', \
     '' using 1:16 with linespoints pt 7 ps 0.4 lw 1.5 dt 2 lc rgb '#4169E1' title 'DFC (fixed)', \
     '' using 1:31 with linespoints pt 7 ps 0.4 lw 1.5 dt 2 lc rgb '#2ca02c' title 'DFC-SS (fixed)'
unset multiplot
